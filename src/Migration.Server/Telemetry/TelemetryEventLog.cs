using System.Collections.Concurrent;
using System.Diagnostics;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;

namespace Migration.Server.Telemetry;

/// <summary>
/// The event log with metrics and spans: every event the agents append (a committed batch, a phase change, an error, a
/// validation) is recorded on <see cref="MigrationInstruments"/> where it is raised — for batches, in the orchestrator
/// turn that received the BatchResult — and a committed batch becomes a span ("migration.batch", backdated to the
/// batch's start) under the current agent call, so batches link to the copy agent's trace.
/// </summary>
public sealed class TelemetryEventLog(IMigrationEventLog inner, MigrationInstruments instruments, TimeProvider clock) : IMigrationEventLog
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _executionStarted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _retrying = new(StringComparer.Ordinal);

    public async Task<MigrationEvent> AppendAsync(string migrationId, AgentId agent, EventPayload payload, CancellationToken cancellationToken = default)
    {
        var appended = await inner.AppendAsync(migrationId, agent, payload, cancellationToken);
        Record(migrationId, agent, payload, appended.OccurredAt);
        return appended;
    }

    public Task<IReadOnlyList<MigrationEvent>> ReadAsync(string migrationId, long afterSequence, int max, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(migrationId, afterSequence, max, cancellationToken);

    public Task WaitForEventsAsync(string migrationId, long afterSequence, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        inner.WaitForEventsAsync(migrationId, afterSequence, timeout, cancellationToken);

    public Task<long> LastSequenceAsync(string migrationId, CancellationToken cancellationToken = default) =>
        inner.LastSequenceAsync(migrationId, cancellationToken);

    private void Record(string migrationId, AgentId agent, EventPayload payload, DateTimeOffset occurredAt)
    {
        var migration = new KeyValuePair<string, object?>("migration.id", migrationId);
        switch (payload)
        {
            case BatchCompletedPayload batch:
                RecordBatch(migration, agent, batch);
                break;
            case TableCompletedPayload table:
                instruments.TablesCompleted.Add(1, migration, new("migration.table", table.Table));
                break;
            case ErrorPayload error:
                var errorTable = TableOf(error.Error);
                instruments.Errors.Add(1, migration, new("migration.table", errorTable ?? ""), new("migration.operation", error.Error.Operation),
                    new("error.sql_state", error.Error.SqlState ?? ""), new("migration.escalation_level", error.Error.EscalationLevel));
                Activity.Current?.AddEvent(new ActivityEvent("migration.error", occurredAt,
                    new ActivityTagsCollection
                    {
                        ["migration.table"] = errorTable, ["migration.operation"] = error.Error.Operation, ["error.sql_state"] = error.Error.SqlState,
                    }));
                break;
            case ValidationResultPayload validation when validation.Report.Tables.Count > 0:
                instruments.IntegrityScore.Record(
                    validation.Report.Tables.Count(t => t.Passed) / (double)validation.Report.Tables.Count, migration);
                break;
            case PhaseChangedPayload phase:
                RecordPhase(migrationId, migration, phase, occurredAt);
                break;
        }
    }

    /// <summary>
    /// The table an error is about, where it is known: a copy agent's operation is <c>copy &lt;table&gt;</c> and its
    /// system state starts <c>table &lt;table&gt;:</c> (the bad-row budget's too); errors of the whole migration have none.
    /// </summary>
    public static string? TableOf(ErrorContext error)
    {
        ArgumentNullException.ThrowIfNull(error);
        const string Copy = "copy ", Table = "table ";
        if (error.Operation.StartsWith(Copy, StringComparison.Ordinal) && error.Operation.Length > Copy.Length)
        {
            return error.Operation[Copy.Length..];
        }

        var end = error.SystemState.IndexOf(": ", StringComparison.Ordinal);
        return error.SystemState.StartsWith(Table, StringComparison.Ordinal) && end > Table.Length ? error.SystemState[Table.Length..end] : null;
    }

    private void RecordBatch(KeyValuePair<string, object?> migration, AgentId agent, BatchCompletedPayload batch)
    {
        var table = new KeyValuePair<string, object?>("migration.table", batch.Table);
        instruments.BatchDuration.Record(batch.Duration.TotalSeconds, migration, table, new("migration.batch.validated", batch.Validated));
        instruments.BatchRows.Record(batch.Rows, migration, table);
        instruments.Batches.Add(1, migration, table);
        instruments.RowsCopied.Add(batch.Rows, migration, table);

        var end = clock.GetUtcNow();
        using var activity = MigrationInstruments.Source.StartActivity("migration.batch", ActivityKind.Internal, Activity.Current?.Context ?? default,
            [migration, table, new("migration.batch.id", batch.BatchId), new("migration.agent", agent.ToString())], startTime: end - batch.Duration);
        if (activity is not null)
        {
            activity.SetTag("migration.batch.rows", batch.Rows);
            activity.SetTag("migration.batch.validated", batch.Validated);
            activity.SetTag("migration.batch.next_size", batch.NextBatchSize);
            activity.SetEndTime(end.UtcDateTime);
        }
    }

    private void RecordPhase(string migrationId, KeyValuePair<string, object?> migration, PhaseChangedPayload phase, DateTimeOffset occurredAt)
    {
        instruments.PhaseTransitions.Add(1, migration, new("migration.phase.from", phase.From.ToString()), new("migration.phase.to", phase.To.ToString()));
        Activity.Current?.AddEvent(new ActivityEvent("migration.phase_changed", occurredAt,
            new ActivityTagsCollection { ["migration.phase.from"] = phase.From.ToString(), ["migration.phase.to"] = phase.To.ToString() }));
        switch (phase.To)
        {
            case MigrationPhase.AwaitingApproval:
                instruments.UserInterventions.Add(1, migration, new("migration.intervention", "approval"));
                break;
            case MigrationPhase.AwaitingDecision:
                instruments.UserInterventions.Add(1, migration, new("migration.intervention", "decision"));
                break;
            case MigrationPhase.Execution or MigrationPhase.Validation when phase.From == MigrationPhase.Failed:
                _retrying[migrationId] = true;
                instruments.Retries.Add(1, migration, new("migration.retry.outcome", "started"));
                break;
            case MigrationPhase.Execution when phase.From == MigrationPhase.AwaitingApproval:
                _executionStarted[migrationId] = occurredAt;
                break;
            case MigrationPhase.RolledBack:
                instruments.Rollbacks.Add(1, migration);
                break;
        }

        if (!phase.To.IsTerminal())
        {
            return;
        }

        // A failed run may be resumed: its start is kept, so the resumed run's end is measured from the same start.
        var measured = phase.To == MigrationPhase.Failed
            ? _executionStarted.TryGetValue(migrationId, out var started)
            : _executionStarted.TryRemove(migrationId, out started);
        if (measured)
        {
            instruments.CompletionDuration.Record((occurredAt - started).TotalSeconds, migration, new("migration.outcome", phase.To.ToString()));
        }

        if (_retrying.TryRemove(migrationId, out _) && phase.To == MigrationPhase.Completed)
        {
            instruments.Retries.Add(1, migration, new("migration.retry.outcome", "succeeded"));
        }
    }
}
