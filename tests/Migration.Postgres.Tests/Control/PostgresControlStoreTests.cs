using Migration.Core.Abstractions;
using Migration.Core.Migrations;
using Migration.Postgres.Control;
using Migration.Postgres.Execution;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;

namespace Migration.Postgres.Tests.Control;

[Collection("postgres")]
public sealed class PostgresControlStoreTests(PostgresServer server) : IAsyncLifetime
{
    private readonly NpgsqlDataSourceProvider _dataSources = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSources.DisposeAsync();

    [Fact]
    public async Task EnsureSchemaAsync_ManyConcurrentCallers_CreateTheSchemaOnce()
    {
        var target = await server.CreateDatabaseAsync("ctl_ensure");
        // Separate stores so that none of them skips the DDL because another one already ran it.
        var stores = Enumerable.Range(0, 8).Select(_ => new PostgresControlStore(_dataSources)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.EnsureSchemaAsync(target, "ctl"))));
        await stores[0].EnsureSchemaAsync(target, "ctl");

        Assert.Equal(4, await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'ctl' AND tablename IN ('migration_control', 'checkpoints', 'migration_mappings', 'quarantine')"));
        Assert.Equal(3, await PostgresServer.ScalarAsync<int>(target,
            "SELECT array_length(indkey::int2[], 1) FROM pg_index WHERE indrelid = 'ctl.checkpoints'::regclass AND indisprimary"));
    }

    [Fact]
    public async Task GetCheckpointsAsync_NoControlSchema_ReturnsEmpty()
    {
        var target = await server.CreateDatabaseAsync("ctl_none");
        var store = new PostgresControlStore(_dataSources);

        Assert.Empty(await store.GetCheckpointsAsync(target, "migration_control", "m1"));
    }

    [Fact]
    public async Task RecordTableStatusAsync_SameTableTwice_UpdatesOneRow()
    {
        var target = await server.CreateDatabaseAsync("ctl_status");
        var store = new PostgresControlStore(_dataSources);
        await store.EnsureSchemaAsync(target, "migration_control");
        var started = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

        await store.RecordTableStatusAsync(target, "migration_control",
            new TableControlRecord("m1", "Execution", "public.orders", "copy", "running", 100, 1000, started, null, null, 10_000, "worker-1", "SELECT …", null));
        await store.RecordTableStatusAsync(target, "migration_control",
            new TableControlRecord("m1", "Execution", "public.orders", "copy", "completed", 1000, 1000, null, started.AddMinutes(1), null, 20_000, "worker-2", null, "SELECT count(*)"));

        Assert.Equal(1, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.migration_control"));
        Assert.Equal("completed|1000|20000|worker-2|SELECT …|SELECT count(*)|2025-01-02 03:04:05+00", await PostgresServer.ScalarAsync<string>(target,
            "SET TimeZone = 'UTC'; SELECT concat_ws('|', status, records_processed, batch_size, worker_id, source_query, validation_query, started_at) FROM migration_control.migration_control"));
    }

    [Fact]
    public async Task GetCheckpointsAsync_AfterACopy_ReturnsTheCompletedCheckpoint()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "ctl_cp");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE t (a int, b text, PRIMARY KEY (a, b))");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO t SELECT g, 'b' || g FROM generate_series(1, 250) g");
        var store = new PostgresControlStore(_dataSources);
        var copier = new PostgresTableCopier(_dataSources, store);
        var plan = await CopyTestKit.PlanAsync(source, "t", WritePath.PassThrough, ["a", "b"]);

        await copier.CopyAsync(CopyTestKit.Request("m9", source, target, plan), (_, _) => Task.CompletedTask);
        var checkpoints = await store.GetCheckpointsAsync(target, CopyTestKit.ControlSchema, "m9");

        var checkpoint = Assert.Single(checkpoints);
        Assert.Equal("public.t", checkpoint.Table);
        Assert.True(checkpoint.Completed);
        Assert.Equal(250, checkpoint.RowsCopied);
        Assert.Equal(3, checkpoint.BatchesCompleted);
        Assert.Equal(["250", "b250"], checkpoint.LastKey);
    }
}
