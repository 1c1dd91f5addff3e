using Microsoft.Extensions.Configuration;
using Migration.Server.Connections;
using Npgsql;

namespace Migration.Server.Tests.Connections;

/// <summary>How a named connection is put together from configuration and secret files (files on disk, no server).</summary>
public sealed class NamedConnectionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("named-connections-").FullName;

    [Theory]
    [InlineData("s3cret\n", "s3cret")]
    [InlineData("s3cret\r\n", "s3cret")]
    [InlineData("s3cret", "s3cret")]
    [InlineData("  spaced s3cret \n\n", "  spaced s3cret \n")]
    public void Find_PasswordFile_OneTrailingLineBreakDroppedAndThePasswordReplaced(string content, string expected)
    {
        var file = Write("pw", content);
        var named = Named(new()
        {
            ["Connections:db"] = "Host=h;Database=d;Username=u;Password=from-config",
            ["Connections:db:PasswordFile"] = file,
        });

        var builder = new NpgsqlConnectionStringBuilder(named.Find("db"));

        Assert.Equal(expected, builder.Password);
        Assert.Equal("u", builder.Username);
    }

    [Fact]
    public void Find_ConnectionStringInlineOrPlain_ReturnedAsConfigured()
    {
        var named = Named(new()
        {
            ["Connections:plain"] = "Host=a;Database=b",
            ["Connections:inline:ConnectionString"] = "Host=c;Database=d",
        });

        Assert.Equal("Host=a;Database=b", named.Find("plain"));
        Assert.Equal("Host=c;Database=d", named.Find("inline"));
        Assert.Null(named.Find("absent"));
        Assert.Equal(["inline", "plain"], named.Names().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Find_PasswordFileWithoutConnectionString_ErrorNamesTheSettings()
    {
        var named = Named(new() { ["Connections:lonely:PasswordFile"] = Write("pw", "x") });

        var error = Assert.Throws<NamedConnectionException>(() => named.Find("lonely"));

        Assert.Equal("lonely", error.Name);
        Assert.Equal("Connections:lonely:PasswordFile", error.Setting);
        Assert.Contains("no connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_RotatedFile_TheNextCallReadsTheNewSecret()
    {
        var file = Write("pw", "first\n");
        var named = Named(new() { ["Connections:db"] = "Host=h;Database=d", ["Connections:db:PasswordFile"] = file });
        var before = new NpgsqlConnectionStringBuilder(named.Find("db")).Password;

        File.WriteAllText(file, "second\n");

        Assert.Equal("first", before);
        Assert.Equal("second", new NpgsqlConnectionStringBuilder(named.Find("db")).Password);
    }

    [Fact]
    public void Find_EmptyPasswordFile_ErrorWithoutTheConnectionString()
    {
        var named = Named(new() { ["Connections:db"] = "Host=h;Database=d;Password=keep-me-out", ["Connections:db:PasswordFile"] = Write("pw", "\n") });

        var error = Assert.Throws<NamedConnectionException>(() => named.Find("db"));

        Assert.Contains("is empty", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("keep-me-out", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static NamedConnections Named(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
