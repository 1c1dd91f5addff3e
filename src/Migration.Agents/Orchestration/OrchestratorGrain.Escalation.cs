using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Core.Recovery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Migration.Agents.Orchestration;

/// <summary>
/// Seed escalation above the copy's own self-recovery (L1: retries, bad rows set aside within the error budget):
/// <list type="bullet">
/// <item>L2: a table whose copy failed is tried again with another strategy — smaller pages and one stream at a time,
/// then smaller still; a table whose bad rows point to parents not copied yet is moved after the tables in flight.
/// Each change is recorded with its reason (decision history, agent messages, a warning on the Watch stream).</item>
/// <item>L3: when the error budget is exhausted, or the failure persists, the migration stops safely (phase Failed)
/// with a decision carrying the seed's ErrorContext: skip the rows for review, fix and continue, roll back the table
/// and retry (when recovery is configured), or cancel. No answer, no guess.</item>
/// </list>
/// Quarantined rows are counted per table, shown in the progress and left out of the final check, by key.
/// </summary>
public sealed partial class OrchestratorGrain
{
    private const string SkipBadRowsOption = "skip";
    private const string RollbackRetryOption = "rollback-retry";
    private const int MaxStrategyChanges = 2;
    private static readonly TimeSpan MovedLaterPoll = TimeSpan.FromSeconds(1);

    private ErrorBudget ConfiguredErrorBudget => ServiceProvider.GetService<IOptions<ErrorBudget>>()?.Value ?? ErrorBudget.Default;

    private IQuarantineStore? QuarantineStore => ServiceProvider.GetService<IQuarantineStore>();

    private TableEscalation EscalationOf(string table)
    {
        if (!S.Escalations.TryGetValue(table, out var escalation))
        {
            escalation = new TableEscalation();
            S.Escalations[table] = escalation;
        }

        return escalation;
    }

    /// <summary>The copy request as the table's escalation has changed it: budget, page sizes, streams.</summary>
    private TableCopyRequest WithEscalation(string table, TableCopyRequest request)
    {
        var escalation = S.Escalations.GetValueOrDefault(table);
        var budget = escalation?.SkipBadRows == true ? ErrorBudget.Unlimited : ConfiguredErrorBudget;
        if (escalation is null || escalation.BatchDivisor <= 1 && !escalation.Sequential)
        {
            return request with { ErrorBudget = budget };
        }

        var batch = request.Batch;
        var divisor = Math.Max(1, escalation.BatchDivisor);
        int Smaller(int size) => Math.Max(batch.MinBatchSize, size / divisor);
        return request with
        {
            ErrorBudget = budget,
            Batch = batch with { BaseBatchSize = Smaller(batch.BaseBatchSize), MaxBatchSize = Smaller(batch.MaxBatchSize) },
            Table = request.Table with { InitialBatchSize = request.Table.InitialBatchSize > 0 ? Smaller(request.Table.InitialBatchSize) : 0 },
            Parallelism = escalation.Sequential ? 1 : request.Parallelism,
        };
    }

    /// <summary>Remembers a table's failure for the L2 step of the run that waits on it.</summary>
    private void NoteTableFailure(string table, ErrorContext error)
    {
        var escalation = EscalationOf(table);
        escalation.Failures++;
        escalation.LastError = error;
        escalation.PendingFailure = error;
    }

    /// <summary>
    /// L2: decides whether a failed table is tried again with another strategy, records the change and its reason,
    /// and returns true to run it again; false leaves the failure to L3.
    /// </summary>
    private async Task<bool> ChangeStrategyAsync(TablePlan table, CancellationToken cancellationToken)
    {
        var name = table.Table.ToString();
        if (!S.Escalations.TryGetValue(name, out var escalation) || escalation.PendingFailure is not { } error)
        {
            return false; // no failure reported (a failover woke the wait): the driver handles it
        }

        escalation.PendingFailure = null;
        string change;
        if (error.Operation == ErrorOperations.BadRowBudget && await MissingParentStepAsync(table, escalation, error, cancellationToken) is { } parentStep)
        {
            return parentStep;
        }

        if (error.Operation == ErrorOperations.BadRowBudget)
        {
            var others = S.Tables.Where(t => t.Key != name && t.Value.Status != TableStatus.Completed).Select(t => t.Key).ToList();
            if (error.SqlState != "23503" || escalation.MovedLater || others.Count == 0)
            {
                return false; // the data itself is refused: a person decides (L3)
            }

            escalation.MovedLater = true;
            change = $"moved after the tables still being copied ({string.Join(", ", others)}): its rows point to rows that may not be there yet";
        }
        else if (escalation.StrategyChanges < MaxStrategyChanges)
        {
            escalation.StrategyChanges++;
            escalation.BatchDivisor = escalation.StrategyChanges == 1 ? 2 : 8;
            escalation.Sequential = true;
            var batch = S.Plan!.Batch;
            change = $"copying again with pages of at most {Math.Max(batch.MinBatchSize, batch.MaxBatchSize / escalation.BatchDivisor):N0} rows, one stream at a time";
        }
        else
        {
            return false;
        }

        var reason = $"{error.Message}{(error.SqlState is null ? "" : $" (SQLSTATE {error.SqlState})")}";
        LogStrategyChanged(logger, Id, name, change, reason);
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), $"How to go on with {name} after its copy failed?",
            ["change strategy", "ask a person"], "Low: committed pages are kept; the table continues from its checkpoint.", "change strategy",
            change, "orchestrator", clock.GetUtcNow(), reason));
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.TaskDelegation,
            $"L2 {name}: {change}. Reason: {reason}", MessagePriority.High);
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(name, $"Strategy changed for {name}: {change}. Reason: {reason}"));
        await SaveAsync();

        if (escalation.MovedLater)
        {
            // Later in the order: wait until the tables in flight are done with.
            while (S.Tables.Any(t => t.Key != name && t.Value.Status == TableStatus.Running))
            {
                await Task.Delay(MovedLaterPoll, clock, cancellationToken);
            }
        }

        return true;
    }

    /// <summary>Counts a page's quarantined rows and tells the watchers.</summary>
    private async Task NoteQuarantinedAsync(BatchResult batch)
    {
        if (batch.RowsQuarantined <= 0)
        {
            return;
        }

        EscalationOf(batch.Table).Quarantined += batch.RowsQuarantined;
        await EmitAsync(AgentId.MigrationExecution, new WarningPayload(batch.Table,
            $"{batch.RowsQuarantined:N0} row(s) of {batch.Table} could not be written in {batch.BatchId} and were set aside for review (quarantine); the page's other rows were copied."));
    }

    /// <summary>Reads the quarantined row count of one table (or all) from the control schema.</summary>
    private async Task RefreshQuarantinedAsync(string? table, CancellationToken cancellationToken)
    {
        if (QuarantineStore is not { } store || S.Command is not { } command)
        {
            return;
        }

        try
        {
            var counts = await store.CountAsync(command.TargetConnectionString, command.Options.ControlSchema, Id, cancellationToken);
            foreach (var name in table is null ? S.Tables.Keys.ToList() : [table])
            {
                var count = counts.GetValueOrDefault(name);
                if (count > 0 || S.Escalations.ContainsKey(name))
                {
                    EscalationOf(name).Quarantined = count;
                }
            }
        }
        catch (Npgsql.NpgsqlException ex)
        {
            LogQuarantineUnreadable(logger, Id, ex);
        }
    }

    private long QuarantinedRows(string table) => S.Escalations.GetValueOrDefault(table)?.Quarantined ?? 0;

    /// <summary>The table's quarantined source keys, for the final check to account for them (and only them).</summary>
    private async Task<QuarantineExclusion> QuarantineExclusionAsync(TablePlan table, CancellationToken cancellationToken)
    {
        if (QuarantineStore is not { } store || S.Command is not { } command)
        {
            return QuarantineExclusion.None;
        }

        var keys = await store.KeysAsync(command.TargetConnectionString, command.Options.ControlSchema, Id, table.Table.ToString(), cancellationToken);
        return keys.Count == 0
            ? QuarantineExclusion.None
            : new QuarantineExclusion(table.Paging == PagingStrategy.Keyset ? table.KeyColumns : [], keys);
    }

    /// <summary>The error behind the pending recovery decision: the last error of a failed table.</summary>
    private ErrorContext? EscalatedError() =>
        S.Tables.Where(t => t.Value.Status == TableStatus.Failed)
            .Select(t => S.Escalations.GetValueOrDefault(t.Key)?.LastError)
            .FirstOrDefault(e => e is not null);

    private List<string> BudgetExhaustedTables() =>
        [.. S.Tables.Where(t => t.Value.Status == TableStatus.Failed && S.Escalations.GetValueOrDefault(t.Key)?.LastError?.Operation == ErrorOperations.BadRowBudget)
            .Select(t => t.Key)];

    /// <summary>L3: the recovery decision of a failed run, with the bad-row options when an error budget ran out.</summary>
    private DecisionRequest WithEscalationOptions(DecisionRequest request)
    {
        var tables = BudgetExhaustedTables();
        if (tables.Count == 0 || EscalatedError() is not { } error)
        {
            return request;
        }

        var which = string.Join(", ", tables);
        var rule = error.Constraint is null ? "" : $" (rule {error.Constraint})";
        var options = new List<DecisionOption>
        {
            new(SkipBadRowsOption, "Set the bad rows aside for review and continue",
                $"Every row of {which} that the target refuses is kept in the quarantine with its reason (list them with `quarantine`); all other rows are copied; the final check accounts for exactly the rows set aside.",
                "Low to medium: the target lacks those rows until someone corrects and adds them.", true),
        };
        options.AddRange(request.Options.Where(o => o.Id == ResumeOption));
        if (Recovery is not null)
        {
            options.Add(new DecisionOption(RollbackRetryOption, $"Roll back {which} and copy it again",
                "Removes every row of the table that this migration wrote (checked against the state before it), then copies the table again from the start; use it after fixing the data.",
                "Medium: the table's copied rows are removed and copied again; other tables are not touched.", false));
        }

        options.AddRange(request.Options.Where(o => o.Id != ResumeOption));
        return request with
        {
            Question = $"{error.Message}{rule} What should happen now?",
            Options = options,
            RiskAssessment = $"{error.SystemState}. Nothing more is written while this waits; nothing is copied twice.",
            Recommendation = "Set the bad rows aside for review: the rest of the data arrives now, and the rows set aside can be corrected later.",
        };
    }

    /// <summary>Carries out the bad-row answers of the recovery decision.</summary>
    private async Task AnswerEscalationAsync(string optionId, string answeredBy, string reason)
    {
        var tables = BudgetExhaustedTables();
        if (optionId == SkipBadRowsOption)
        {
            foreach (var table in tables)
            {
                EscalationOf(table).SkipBadRows = true;
            }

            await EmitAsync(AgentId.Orchestrator, new WarningPayload(null,
                $"{answeredBy} chose to set the bad rows of {string.Join(", ", tables)} aside for review; the copy continues from the last saved page."));
            await ResumeAsync();
            return;
        }

        foreach (var table in tables)
        {
            S.Escalations[table] = new TableEscalation();
        }

        await RollbackAsync(new RollbackCommand(answeredBy, string.IsNullOrWhiteSpace(reason) ? "roll back and retry after bad rows" : reason, tables, Retry: true));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] L2 strategy change for {Table}: {Change}. Reason: {Reason}")]
    private static partial void LogStrategyChanged(ILogger logger, string migrationId, string table, string change, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] could not read the quarantine counts")]
    private static partial void LogQuarantineUnreadable(ILogger logger, string migrationId, Exception exception);
}
