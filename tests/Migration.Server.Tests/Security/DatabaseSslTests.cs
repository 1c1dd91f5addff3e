using Grpc.Core;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>Database:SslMode applies to connection strings that set none; an explicit SSL Mode wins.</summary>
public sealed class DatabaseSslTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private InProcessServer? _server;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Database:SslMode"] = "VerifyFull" });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task CreateMigration_VerifyFullByDefault_RefusedByAServerWithoutTlsAndExplicitModeWins()
    {
        var source = await _postgres.CreateDatabaseAsync("ssl_src");
        var target = await _postgres.CreateDatabaseAsync("ssl_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);");
        var ssl = await PostgresServer.ScalarAsync<string>(source, "SHOW ssl");
        Assert.True(ssl == "off", "this test needs a PostgreSQL without TLS (the development server has ssl=off)");

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _server!.Client.CreateMigrationAsync(MigrationRun.Request(source, target)).ResponseAsync);
        var created = await _server!.Client.CreateMigrationAsync(
            MigrationRun.Request(source + ";SSL Mode=Disable", target + ";SSL Mode=Disable"));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("SSL", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("source", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Contracts.V1.MigrationPhase.AwaitingApproval, created.Migration.Phase);
    }
}
