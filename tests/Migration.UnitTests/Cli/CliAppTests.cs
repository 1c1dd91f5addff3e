using System.Text.Json;
using Migration.Cli;

namespace Migration.UnitTests.Cli;

/// <summary>The CLI run in-process on arguments alone: usage errors, and a server address where nothing listens.</summary>
public sealed class CliAppTests
{
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    private const string Nowhere = "http://127.0.0.1:1";

    [Theory]
    [InlineData("run --target Host=x")]
    [InlineData("run --source Host=x --target Host=y --fk-mode sometimes")]
    [InlineData("run --source Host=x --target Host=y --batch-size lots")]
    [InlineData("status")]
    [InlineData("frobnicate")]
    [InlineData("")]
    public async Task RunAsync_BadArguments_ExitsTwoWithAReason(string commandLine)
    {
        var (code, stdout, stderr) = await Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData("run --source Host=x --target Host=y --batch-size 0", "--batch-size must be a positive number")]
    [InlineData("watch m1 --from -3", "--from must be 0 or more")]
    [InlineData("list --server ftp://example", "--server must be an http:// or https:// address")]
    public async Task RunAsync_InvalidValues_ExitTwoBeforeCallingTheServer(string commandLine, string reason)
    {
        string[] args = commandLine.Contains("--server", StringComparison.Ordinal)
            ? commandLine.Split(' ')
            : [.. commandLine.Split(' '), "--server", Nowhere];
        var (code, _, stderr) = await Run(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "m1")]
    [InlineData("list")]
    [InlineData("run", "--source", "Host=a", "--target", "b", "--yes")]
    [InlineData("watch", "m1")]
    public async Task RunAsync_ServerNotListening_ExitsFourSayingHowToStartIt(params string[] args)
    {
        var (code, _, stderr) = await Run([.. args, "--server", Nowhere]);

        Assert.Equal(ExitCodes.ServerUnreachable, code);
        Assert.Equal(
            $"error: cannot reach server at {Nowhere} (connection refused) — is it running? start it with: dotnet run --project src/Migration.Server",
            stderr.Trim());
    }

    [Fact]
    public async Task RunAsync_ServerFromEnvironment_IsTheDefault()
    {
        using var stderr = new StringWriter();
        var environment = new CliEnvironment(TextWriter.Null, stderr, TextReader.Null)
        {
            GetEnvironmentVariable = name => name == GlobalOptions.ServerVariable ? "http://127.0.0.2:1" : null,
        };

        var code = await CliApp.RunAsync(["list"], environment, CancellationToken.None);

        Assert.Equal(ExitCodes.ServerUnreachable, code);
        Assert.Contains("http://127.0.0.2:1", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JsonAndServerNotListening_EndsWithAResultLine()
    {
        var (code, stdout, _) = await Run(["status", "m1", "--json", "--server", Nowhere]);

        using var json = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(ExitCodes.ServerUnreachable, code);
        Assert.Equal("result", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("result").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task RunAsync_Help_ListsEveryVerbAndExitsZero()
    {
        var (code, stdout, _) = await Run(["--help"]);

        Assert.Equal(ExitCodes.Success, code);
        foreach (var verb in new[] { "run", "plan", "start", "watch", "status", "list", "pause", "resume", "cancel", "validate" })
        {
            Assert.Contains($"  {verb}", stdout, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
