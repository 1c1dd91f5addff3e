using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests;

/// <summary>
/// The seed's resource limits through the API: shown in the plan, refused unless the migration is paused, checked
/// field by field, and used by the resumed run (page size and concurrency observed in its events); finished copy
/// agents leave memory.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ResourceLimitsTests(PostgresServer postgres, ServerFixture fixture)
{
    private const int Tables = 4;
    private const int RowsPerTable = 6000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task UpdateResourceLimits_WhilePaused_ResumedRunUsesTheNewPageSizeAndConcurrency()
    {
        var source = await postgres.CreateDatabaseAsync("limits_src");
        var target = await postgres.CreateDatabaseAsync("limits_tgt");
        // Text keys: tables paged by keyset, never cut into ranges, so each table is one page stream. t0 is the
        // largest, so the plan copies it first.
        for (var t = 0; t < Tables; t++)
        {
            var rows = t == 0 ? RowsPerTable : RowsPerTable / 2;
            await PostgresServer.ExecuteAsync(source,
                $"CREATE TABLE t{t} (id text PRIMARY KEY, n int); INSERT INTO t{t} SELECT 'k' || lpad(g::text, 6, '0'), g FROM generate_series(1, {rows}) g; ANALYZE t{t};");
        }

        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target, o =>
        {
            o.Batch = new BatchSettings { BaseBatchSize = 500, MinBatchSize = 500, MaxBatchSize = 500 };
            o.MaxConcurrentBatches = 1;
        }));
        var id = created.Migration.Id;
        var planned = (await Client.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan.ResourceLimits;
        Assert.Equal(1, planned.MaxConcurrentBatches);
        Assert.Equal(500, planned.Batch.MaxBatchSize);
        Assert.True(planned.AdaptiveBatching);
        Assert.True(planned.MemoryPerAgentMb > 0 && planned.ConnectionPoolSize >= 1 && planned.QueueMaxSize > 0);

        // Not paused (waiting for approval): refused.
        var notPaused = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateResourceLimitsAsync(
            new UpdateResourceLimitsRequest { MigrationId = id, MaxConcurrentBatches = 2 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, notPaused.StatusCode);

        // The other tables stay locked in the source until the pause, so however fast t0 copies, the pause comes with
        // three tables still to copy (the resumed run can then run two at once).
        await using var holdBack = new NpgsqlConnection(source);
        await holdBack.OpenAsync();
        await using var lockTransaction = await holdBack.BeginTransactionAsync();
        await using (var lockOthers = new NpgsqlCommand("LOCK TABLE t1, t2, t3 IN ACCESS EXCLUSIVE MODE", holdBack, lockTransaction))
        {
            await lockOthers.ExecuteNonQueryAsync();
        }

        await Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true, StartedBy = "tests" });
        await WaitFor.ConditionAsync(
            async () => (await Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.RowsCopied > 0,
            Timeout, "the first committed page");
        var paused = (await Client.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = id, Reason = "tests" })).Migration;
        Assert.Equal(MigrationPhase.Paused, paused.Phase);
        Assert.True(paused.RowsCopied <= RowsPerTable, $"{paused.RowsCopied} rows copied before the pause, more than t0 has");
        await lockTransaction.RollbackAsync();

        // Out of range: every field named.
        var invalid = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateResourceLimitsAsync(new UpdateResourceLimitsRequest
        {
            MigrationId = id,
            MaxConcurrentBatches = 0,
            QueueMaxSize = -1,
            MemoryPerAgentMb = 1_000_000,
            MinBatchSize = 1000, // above the maximum of 500
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        var fields = invalid.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToList();
        Assert.Contains("max_concurrent_batches", fields);
        Assert.Contains("queue_max_size", fields);
        Assert.Contains("memory_per_agent_mb", fields);
        Assert.Contains(fields, f => f is "max_batch_size" or "base_batch_size");
        var tooSmallPool = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateResourceLimitsAsync(
            new UpdateResourceLimitsRequest { MigrationId = id, MaxConcurrentBatches = 4, ConnectionPoolSize = 2 }).ResponseAsync);
        Assert.Contains("connection_pool_size", tooSmallPool.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));

        var updated = await Client.UpdateResourceLimitsAsync(new UpdateResourceLimitsRequest
        {
            MigrationId = id,
            MaxConcurrentBatches = 2,
            BaseBatchSize = 100,
            MinBatchSize = 100,
            MaxBatchSize = 100,
            AdaptiveBatching = false,
            QueueMaxSize = 8,
            Reason = "smaller pages, two tables at once",
            RequestedBy = "tests",
        });
        Assert.Equal(MigrationPhase.Paused, updated.Migration.Phase);
        Assert.Equal(2, updated.ResourceLimits.MaxConcurrentBatches);
        Assert.False(updated.ResourceLimits.AdaptiveBatching);
        Assert.Equal(8, updated.ResourceLimits.QueueMaxSize);
        var shown = (await Client.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan.ResourceLimits;
        Assert.Equal(100, shown.Batch.MaxBatchSize);
        Assert.Equal(2, shown.MaxConcurrentBatches);

        // The resumed run's copies wait on the target's tables (SHARE blocks their COPY), so its copy agents are seen
        // in memory while they copy: the probe at the end, which must see them gone, can see them.
        await using var holdTarget = new NpgsqlConnection(target);
        await holdTarget.OpenAsync();
        await using var targetLock = await holdTarget.BeginTransactionAsync();
        await using (var lockTarget = new NpgsqlCommand("LOCK TABLE t1, t2, t3 IN SHARE MODE", holdTarget, targetLock))
        {
            await lockTarget.ExecuteNonQueryAsync();
        }

        await Client.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = id });
        await WaitFor.ConditionAsync(() => CopyAgentsActiveAsync(id), TimeSpan.FromSeconds(30), "a copy agent while copying");
        await targetLock.RollbackAsync();
        var events = await MigrationRun.WatchToEndAsync(Client, id, 0, Timeout);
        var migration = (await Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);

        var resumedAt = events.Single(e => e.KindCase == MigrationEvent.KindOneofCase.PhaseChanged
            && e.PhaseChanged.From == MigrationPhase.Paused && e.PhaseChanged.To == MigrationPhase.Execution).Sequence;
        var pausedAt = events.Single(e => e.KindCase == MigrationEvent.KindOneofCase.PhaseChanged && e.PhaseChanged.To == MigrationPhase.Paused).Sequence;
        var before = events.Where(e => e.Sequence < pausedAt).ToList();
        var after = events.Where(e => e.Sequence > resumedAt).ToList();
        Assert.Contains(before, e => e.KindCase == MigrationEvent.KindOneofCase.BatchCompleted && e.BatchCompleted.Rows > 100);
        var resumedPages = after.Where(e => e.KindCase == MigrationEvent.KindOneofCase.BatchCompleted).ToList();
        Assert.NotEmpty(resumedPages);
        Assert.All(resumedPages, e => Assert.InRange(e.BatchCompleted.Rows, 1, 100));
        Assert.Equal(1, MostTablesAtOnce(before));
        Assert.Equal(2, MostTablesAtOnce(after));
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.Warning && e.Warning.Message.Contains("Resource limits changed", StringComparison.Ordinal));

        // A finished migration cannot be changed any more.
        var finished = await Assert.ThrowsAsync<RpcException>(() => Client.UpdateResourceLimitsAsync(
            new UpdateResourceLimitsRequest { MigrationId = id, QueueMaxSize = 16 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, finished.StatusCode);

        // Done range and table agents do not stay in memory.
        await WaitFor.ConditionAsync(() => CopyAgentsAsync(id), agents => agents.Length == 0, TimeSpan.FromSeconds(30), "the finished copy agents to deactivate");
    }

    private async Task<bool> CopyAgentsActiveAsync(string id) => (await CopyAgentsAsync(id)).Length > 0;

    /// <summary>The migration's table and range copy agents in memory, comma-separated.</summary>
    private async Task<string> CopyAgentsAsync(string id)
    {
        var grains = fixture.Server.Services.GetRequiredService<IGrainFactory>();
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return string.Join(", ", statistics
            .Where(s => s.GrainId.ToString().Contains(id, StringComparison.Ordinal)
                && (s.GrainType.Contains("TableCopyGrain", StringComparison.Ordinal) || s.GrainType.Contains("RangeCopyGrain", StringComparison.Ordinal)))
            .Select(s => s.GrainId.ToString()));
    }

    /// <summary>The most tables started and not yet completed at any point of an event sequence.</summary>
    private static int MostTablesAtOnce(IEnumerable<MigrationEvent> events)
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        var most = 0;
        foreach (var e in events)
        {
            if (e.KindCase == MigrationEvent.KindOneofCase.TableStarted)
            {
                open.Add(e.TableStarted.Table);
                most = Math.Max(most, open.Count);
            }
            else if (e.KindCase == MigrationEvent.KindOneofCase.TableCompleted)
            {
                open.Remove(e.TableCompleted.Table);
            }
        }

        return most;
    }
}
