using Migration.Agents.Messaging;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Npgsql;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The seed's resource limits: shown in the plan, applied to every table's copy request, and changeable while the
/// migration is paused (the resumed run uses the new values).
/// </summary>
public sealed partial class OrchestratorGrain
{
    public async Task<MigrationSnapshot> UpdateResourceLimitsAsync(ResourceLimitsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        EnsureExists();
        if (S.Phase != MigrationPhase.Paused || S.Plan is null)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "change the resource limits of");
        }

        var plan = S.Plan;
        var (concurrency, batch, limits) = change.ApplyTo(plan.MaxConcurrentBatches, plan.Batch, plan.Resources);
        var problems = limits.Validate(concurrency, batch);
        if (problems.Count > 0)
        {
            // The API checks first and answers with every field; this guards other callers.
            throw new ArgumentException(string.Join("; ", problems.Select(p => $"{p.Field} {p.Problem}")), problems[0].Field);
        }

        var before = ResourceLimits.Describe(plan.MaxConcurrentBatches, plan.Batch, plan.Resources);
        var after = ResourceLimits.Describe(concurrency, batch, limits);
        S.Plan = plan with
        {
            MaxConcurrentBatches = concurrency,
            Batch = batch,
            Resources = limits,
            Waves = plan.Waves.Select(w => w with { Tables = w.Tables.Select(t => t with { InitialBatchSize = FirstPageSize(t, batch, limits) }).ToList() }).ToList(),
        };
        S.Command = S.Command! with { Options = S.Command.Options with { MaxConcurrentBatches = concurrency, Batch = batch, Resources = limits } };
        foreach (var table in S.Plan.Tables)
        {
            if (S.Tables.TryGetValue(table.Table.ToString(), out var run) && run.Status != TableStatus.Completed)
            {
                run.CurrentBatchSize = table.InitialBatchSize;
            }
        }

        var by = string.IsNullOrWhiteSpace(change.RequestedBy) ? "unknown" : change.RequestedBy;
        await decisions.RecordAsync(Id, new Core.Agents.DecisionRecord(Guid.NewGuid().ToString("N"), "Change the resource limits",
            [], "", "", after, by, clock.GetUtcNow(), string.IsNullOrWhiteSpace(change.Reason) ? $"was: {before}" : $"{change.Reason} (was: {before})"));
        await journal.SendAsync(Id, AgentId.User, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
            $"resource limits changed by {by}: {after}");
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(null,
            $"Resource limits changed by {by} while paused; the resumed run uses them: {after}."));
        await SaveAsync();
        return await SnapshotAsync();
    }

    /// <summary>
    /// The table's copy request under the plan's resource limits: pages capped by the memory per copy stream (at the
    /// table's average row size), page sizes fixed when adaptive batching is off, the copy's connection pools capped
    /// at the pool size, and the report queue bounded.
    /// </summary>
    private TableCopyRequest WithResourceLimits(TablePlan table, TableCopyRequest request)
    {
        var limits = S.Plan!.Resources;
        var batch = CapByMemory(table, request.Batch, limits);
        return request with
        {
            Batch = batch,
            SourceConnectionString = WithPoolSize(request.SourceConnectionString, limits.ConnectionPoolSize),
            TargetConnectionString = WithPoolSize(request.TargetConnectionString, limits.ConnectionPoolSize),
            ReportQueueSize = limits.QueueMaxSize,
        };
    }

    private int FirstPageSize(TablePlan table, BatchSettings batch, ResourceLimits limits)
    {
        var capped = CapByMemory(table, batch, limits);
        return Math.Clamp(capped.BaseBatchSize, capped.MinBatchSize, capped.MaxBatchSize);
    }

    /// <summary>Largest page of the table's rows that stays within the memory per copy stream (never below the minimum page).</summary>
    private BatchSettings CapByMemory(TablePlan table, BatchSettings batch, ResourceLimits limits)
    {
        var info = S.SourceCatalog?.FindTable(table.Table);
        if (info is null || info.Rows <= 0 || info.SizeBytes <= 0)
        {
            return batch;
        }

        var bytesPerRow = Math.Max(1, info.SizeBytes / info.Rows);
        var cap = (int)Math.Clamp(limits.PageByteBudget / bytesPerRow, 1, int.MaxValue);
        if (cap >= batch.MaxBatchSize)
        {
            return batch;
        }

        var max = Math.Max(batch.MinBatchSize, cap);
        return batch with { MaxBatchSize = max, BaseBatchSize = Math.Min(batch.BaseBatchSize, max) };
    }

    private static string WithPoolSize(string connectionString, int poolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize };
        if (builder.MinPoolSize > poolSize)
        {
            builder.MinPoolSize = poolSize;
        }

        return builder.ConnectionString;
    }
}
