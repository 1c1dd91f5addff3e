using System.Net;
using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Telemetry;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests.Connections;

/// <summary>
/// Named connections whose connection string and password come from secret files (as Docker and Kubernetes mount
/// them), through the real server: read at every use, so a rotated password applies to the next call; a file that is
/// missing, empty or a directory is FAILED_PRECONDITION naming the connection and the setting, never the secret.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SecretFileConnectionTests(PostgresServer postgres, ServerFixture fixture)
{
    private string ConnectionFile => Path.Combine(fixture.SecretsDirectory, "from-files.connection");

    private string PasswordFile => Path.Combine(fixture.SecretsDirectory, "from-files.password");

    private string WholeFile => Path.Combine(fixture.SecretsDirectory, "whole-file.connection");

    [Fact]
    public async Task CreateMigration_PasswordFromSecretFile_ReadAtEveryUseSoRotationApplies()
    {
        var (source, target, role) = await DatabasesWithLoginAsync("secret_rot");
        var first = "Rotate-One-" + Guid.NewGuid().ToString("N")[..10];
        var second = "Rotate-Two-" + Guid.NewGuid().ToString("N")[..10];
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"ALTER ROLE {role} PASSWORD '{first}'");
        await File.WriteAllTextAsync(ConnectionFile, WithoutPassword(source, role) + "\n");
        await File.WriteAllTextAsync(PasswordFile, first + "\n");
        var request = ByName("from-files", target);

        var created = await fixture.Server.Client.CreateMigrationAsync(request);
        Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
        await CancelAsync(created.Migration.Id);

        // The database's password changes; the file still holds the old one: refused by the database.
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"ALTER ROLE {role} PASSWORD '{second}'");
        var stale = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.CreateMigrationAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
        Assert.Contains("28P01", stale.Status.Detail, StringComparison.Ordinal);

        // The secret is rotated in place (written with a Windows line break this time): the next call uses it.
        await File.WriteAllTextAsync(PasswordFile, second + "\r\n");
        var rotated = await fixture.Server.Client.CreateMigrationAsync(request);
        Assert.Equal(MigrationPhase.AwaitingApproval, rotated.Migration.Phase);
        Assert.False(rotated.AttachedToExisting);
        Assert.StartsWith(role + "@", rotated.Migration.Source, StringComparison.Ordinal);

        await CancelAsync(rotated.Migration.Id);
        var everything = string.Join('\n', fixture.Server.Logs.Lines) + stale.Status.Detail + created + rotated;
        Assert.DoesNotContain(first, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(second, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMigration_ConnectionStringFile_WholeStringReadFromTheFile()
    {
        var (source, target, role) = await DatabasesWithLoginAsync("secret_whole");
        var password = "Whole-File-" + Guid.NewGuid().ToString("N")[..10];
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"ALTER ROLE {role} PASSWORD '{password}'");
        await File.WriteAllTextAsync(WholeFile, new NpgsqlConnectionStringBuilder(source) { Username = role, Password = password } + "\n");

        var created = await fixture.Server.Client.CreateMigrationAsync(ByName("whole-file", target));

        Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
        Assert.StartsWith(role + "@", created.Migration.Source, StringComparison.Ordinal);
        Assert.DoesNotContain(password, created.ToString(), StringComparison.Ordinal);
        await CancelAsync(created.Migration.Id);
    }

    [Fact]
    public async Task CreateMigration_SecretFileMissingEmptyOrADirectory_FailedPreconditionNamingTheConnection()
    {
        var target = await postgres.CreateDatabaseAsync("secret_bad_tgt");
        var request = ByName("whole-file", target);
        var cases = new List<(Action Arrange, string Reason)>
        {
            (() => File.Delete(WholeFile), "does not exist"),
            (() => File.WriteAllText(WholeFile, "\n"), "is empty"),
            (() => Directory.CreateDirectory(WholeFile), "is a directory"),
        };

        foreach (var (arrange, reason) in cases)
        {
            Clear(WholeFile);
            arrange();
            var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.CreateMigrationAsync(request).ResponseAsync);

            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.Contains("source connection 'whole-file'", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("Connections:whole-file:ConnectionStringFile", error.Status.Detail, StringComparison.Ordinal);
            Assert.Contains(reason, error.Status.Detail, StringComparison.Ordinal);
            var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
            Assert.Equal("source.name", violation.Field);
        }

        Clear(WholeFile);
    }

    [Fact]
    public async Task HttpHealth_PasswordFileMissing_DegradedNamingTheConnectionAndSetting()
    {
        var (source, _, role) = await DatabasesWithLoginAsync("secret_health");
        await File.WriteAllTextAsync(ConnectionFile, WithoutPassword(source, role));
        File.Delete(PasswordFile);
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var body = await http.GetStringAsync(new Uri(fixture.Server.Address + ObservabilityHostingExtensions.HealthPath));

        using var json = JsonDocument.Parse(body);
        var databases = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "databases");
        Assert.Equal("Degraded", databases.GetProperty("status").GetString());
        var description = databases.GetProperty("description").GetString();
        Assert.Contains("connection 'from-files': unusable: Connections:from-files:PasswordFile: the file", description, StringComparison.Ordinal);
        Assert.Contains("does not exist", description, StringComparison.Ordinal);
    }

    private static void Clear(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path);
        }

        File.Delete(path);
    }

    private async Task<(string Source, string Target, string Role)> DatabasesWithLoginAsync(string prefix)
    {
        var role = prefix + "_" + Guid.NewGuid().ToString("N")[..8];
        await PostgresServer.ExecuteAsync(postgres.AdminConnectionString, $"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD 'initial-{Guid.NewGuid():N}'");
        var source = await postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await postgres.CreateDatabaseAsync(prefix + "_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 20) g");
        return (source, target, role);
    }

    private static string WithoutPassword(string connectionString, string role)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Username = role };
        builder.Remove("Password");
        return builder.ConnectionString;
    }

    private static CreateMigrationRequest ByName(string name, string target) => new()
    {
        Source = new ConnectionSpec { Name = name },
        Target = new ConnectionSpec { ConnectionString = target },
        Options = new MigrationOptions(),
        Description = "secret file test",
        RequestedBy = "tests",
    };

    private async Task CancelAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            await fixture.Server.Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }
}
