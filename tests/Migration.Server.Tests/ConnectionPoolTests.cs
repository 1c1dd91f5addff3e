using Migration.Contracts.V1;
using Migration.Server.Connections;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests;

/// <summary>
/// A server runs many migrations against many databases, each of which counts connections against its
/// <c>max_connections</c>: once a migration has finished, the server hands every connection to its source and target
/// back within seconds (the idle lifetime the server gives its pools), instead of holding them for minutes.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ConnectionPoolTests(PostgresServer postgres, ServerFixture fixture)
{
    [Fact]
    public async Task FinishedMigration_ReleasesEveryConnectionToItsDatabases()
    {
        var source = await postgres.CreateDatabaseAsync("pool_src");
        var target = await postgres.CreateDatabaseAsync("pool_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), total numeric(10,2));
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 2000) g;
            INSERT INTO orders SELECT g, 1 + g % 2000, g % 500 FROM generate_series(1, 20000) g;
            ANALYZE;
            """);
        // The test's own pooled connections (to set up and, below, to check) are not the server's.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(source));

        var (migration, _) = await MigrationRun.RunAsync(fixture.Server.Client, MigrationRun.Request(source, target, o =>
        {
            o.Batch = new BatchSettings { BaseBatchSize = 2000, MinBatchSize = 2000, MaxBatchSize = 2000 };
            o.MaxConcurrentBatches = 4;
        }));
        Assert.True(migration.Phase == MigrationPhase.Completed, migration.ErrorMessage);
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);

        var databases = new[] { Database(source), Database(target) };
        var held = await ConnectionsToAsync(databases);
        Assert.True(held > 0, "no server connection was seen right after the migration; the check below would prove nothing");

        // Idle lifetime plus one pruning round, plus slack for a busy machine.
        var limit = TimeSpan.FromSeconds(ConnectionResolver.PoolIdleLifetimeSeconds + 2 * ConnectionResolver.PoolPruningIntervalSeconds + 20);
        await WaitFor.ConditionAsync(() => ConnectionsToAsync(databases), count => count == 0, limit,
            $"the server to close its connections to {string.Join(" and ", databases)} (held {held} when the migration ended)");
    }

    private static string Database(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    private Task<long> ConnectionsToAsync(string[] databases) =>
        PostgresServer.ScalarAsync<long>(postgres.AdminConnectionString,
            $"SELECT count(*) FROM pg_stat_activity WHERE datname IN ('{databases[0]}', '{databases[1]}') AND pid <> pg_backend_pid()");
}
