using Migration.Core.Abstractions;
using Migration.Postgres.Control;
using Migration.Postgres.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Control;

/// <summary>The control store's calls survive transient failures (seed L1): here a lock held on its table by another session.</summary>
[Collection("postgres")]
public sealed class ControlStoreResilienceTests(PostgresServer server) : IAsyncLifetime
{
    private readonly NpgsqlDataSourceProvider _dataSources = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSources.DisposeAsync();

    [Fact]
    public async Task RecordTableStatusAsync_TableLockedWithLockTimeout_RetriesUntilReleased()
    {
        var target = await server.CreateDatabaseAsync("ctl_retry");
        var logger = new RecordingLogger<PostgresControlStore>();
        var store = new PostgresControlStore(_dataSources, logger) { RetryBaseDelay = TimeSpan.FromMilliseconds(100) };
        await store.EnsureSchemaAsync(target, "ctl");
        var timed = new NpgsqlConnectionStringBuilder(target) { Options = "-c lock_timeout=100" }.ConnectionString;
        await store.EnsureSchemaAsync(timed, "ctl");

        await using var holder = new NpgsqlConnection(target);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE ctl.migration_control IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var record = store.RecordTableStatusAsync(timed, "ctl", new TableControlRecord("m1", "Execution", "public.items", "copy", "running",
            10, 100, DateTimeOffset.UtcNow, null, null, 1000, "worker", null, null));
        await WaitFor.ConditionAsync(() => Task.FromResult(logger.Events.Any(e => e.Id == 2110)), TimeSpan.FromSeconds(20), "a retried control store call");
        Assert.False(record.IsCompleted);
        await transaction.CommitAsync();
        await record;

        Assert.Equal("running", await PostgresServer.ScalarAsync<string>(target, "SELECT status FROM ctl.migration_control WHERE migration_id = 'm1'"));
    }
}
