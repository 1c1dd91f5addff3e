using Migration.Core.Agents;
using Migration.Core.Execution;
using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Recovery;
using Migration.Core.Validation;
using Orleans.Concurrency;

namespace Migration.Agents.Abstractions;

/// <summary>
/// The orchestrator: one activation per migration (key = migration id) cluster-wide, so its state machine and
/// decision gates have exactly one writer. State persisted in Redis; a reminder brings it back after a crash.
/// </summary>
public interface IOrchestratorGrain : IGrainWithStringKey
{
    /// <summary>Discovery, planning and mapping; returns with the plan awaiting approval.</summary>
    Task<MigrationSnapshot> CreateAsync(CreateMigrationCommand command);

    /// <summary>Null when no migration has this id.</summary>
    [AlwaysInterleave]
    Task<MigrationSnapshot?> GetAsync();

    /// <summary>The migration's connection strings and control schema (server-side use only); null when unknown.</summary>
    [AlwaysInterleave]
    Task<MigrationConnections?> GetConnectionsAsync();

    Task<MigrationSnapshot> ApproveAsync(string approvedBy, ForeignKeyMode foreignKeyMode, string? comment);

    Task<MigrationSnapshot> StartAsync(string startedBy, bool autoApprove);

    Task<MigrationSnapshot> PauseAsync(string reason);

    Task<MigrationSnapshot> ResumeAsync();

    Task<MigrationSnapshot> CancelAsync(string reason);

    /// <summary>
    /// Changes the resource limits of a paused migration (values given replace the plan's; the resumed run uses them),
    /// recorded in the decision history. Throws InvalidOperationException when it is not paused, ArgumentException
    /// (parameter = the API field name) when the result is out of range.
    /// </summary>
    Task<MigrationSnapshot> UpdateResourceLimitsAsync(ResourceLimitsChange change);

    /// <summary>Runs the full validation now (counts, checksums, orphans) and records the report.</summary>
    Task<ValidationReport> ValidateAsync();

    /// <summary>
    /// Decisions waiting for a person: the plan's own decisions and the plan approval while it waits for approval, the
    /// recovery choice after a failed run. Empty when nothing waits.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<PendingDecision>> GetPendingDecisionsAsync();

    /// <summary>
    /// Answers a pending decision with one of its options and carries it out through the same methods as the API
    /// (approve, start, resume, cancel); recorded in the decision history with who and why.
    /// Throws KeyNotFoundException for an unknown decision, InvalidOperationException when it was already answered,
    /// ArgumentException (parameter optionId) for an option the decision does not have.
    /// </summary>
    Task<DecisionAnswer> AnswerDecisionAsync(string decisionId, string optionId, string answeredBy, string? reason);

    /// <summary>
    /// Seed level 4: removes what the migration wrote (the whole migration, or <see cref="RollbackCommand.Tables"/>),
    /// its checkpoints, control rows and id mappings, in one target transaction committed only when every table's
    /// count and content checksum equal the recovery point's (Verified false: nothing changed). The whole migration
    /// ends RolledBack; with Retry the copy runs again; a table rollback alone leaves it Paused.
    /// Throws InvalidOperationException (FAILED_PRECONDITION) when another server instance is executing it.
    /// </summary>
    Task<RollbackResult> RollbackAsync(RollbackCommand command);

    /// <summary>Restores one of the migration's backups into the target (verified before commit); the migration ends RolledBack.</summary>
    Task<RestoreTestResult> RestoreBackupAsync(string backupId, string requestedBy, string reason);

    /// <summary>The migration's mapping specification; null for a same-schema copy or an unknown migration.</summary>
    [AlwaysInterleave]
    Task<MappingSpec?> GetMappingAsync();

    /// <summary>
    /// Replaces the mapping specification (null removes it) of a migration awaiting approval that has not started, and
    /// makes the plan again (approval is reset; schema mismatch decisions are raised again). Validate the spec first:
    /// throws InvalidOperationException when the new plan has blocking problems (nothing changed) or in another phase.
    /// </summary>
    Task<MigrationSnapshot> UpdateMappingAsync(MappingSpec? spec, string updatedBy);

    /// <summary>Makes sure an unfinished migration is being driven (after a restart).</summary>
    Task WakeAsync();

    // Messages from the execution agents: short, and interleaved so a pause waiting for a worker cannot deadlock. Each
    // carries the number of the table's start it is about (TableCopyRequest.Run); reports of an earlier start are ignored.
    [AlwaysInterleave]
    Task ReportBatchAsync(BatchResult batch, int run);

    [AlwaysInterleave]
    Task ReportTableCompletedAsync(TableCopyResult result, int run);

    [AlwaysInterleave]
    Task ReportTableFailedAsync(string table, Core.Agents.ErrorContext error, int run);
}
