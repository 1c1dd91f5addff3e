using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The orchestrator's persisted state (Redis grain storage). It holds the connection strings so that a migration can
/// resume by itself after a crash; they never leave the grain (snapshots carry descriptions without passwords).
/// </summary>
[GenerateSerializer]
public sealed class OrchestratorState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public MigrationPhase Phase { get; set; } = MigrationPhase.Created;
    [Id(2)] public MigrationPhase? PausedPhase { get; set; }
    [Id(3)] public CreateMigrationCommand? Command { get; set; }
    [Id(4)] public MigrationPlan? Plan { get; set; }
    [Id(5)] public DatabaseCatalog? SourceCatalog { get; set; }
    [Id(6)] public Dictionary<string, TableRunState> Tables { get; set; } = new(StringComparer.Ordinal);
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset? StartedAt { get; set; }
    [Id(9)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(10)] public string? Error { get; set; }
    [Id(11)] public ValidationReport? Validation { get; set; }
    [Id(12)] public bool Approved { get; set; }
    [Id(13)] public string? ApprovedBy { get; set; }
    [Id(14)] public string? StartedBy { get; set; }
    [Id(15)] public bool TargetPrepared { get; set; }
    [Id(16)] public bool TargetFinished { get; set; }
    [Id(17)] public long BatchesValidated { get; set; }
    [Id(18)] public DateTimeOffset? ExecutionRunStartedAt { get; set; }
    /// <summary>When the decisions now pending were raised (entering AwaitingApproval or Failed).</summary>
    [Id(19)] public DateTimeOffset? DecisionRaisedAt { get; set; }
    /// <summary>Overdue warnings already emitted for the decisions now pending.</summary>
    [Id(20)] public int DecisionOverdueWarnings { get; set; }
    /// <summary>Increases each time a failed run raises its recovery decision (part of that decision's id).</summary>
    [Id(21)] public int FailureDecisions { get; set; }
    /// <summary>Answered orchestrator decisions: id → "answer by who".</summary>
    [Id(22)] public Dictionary<string, string> AnsweredDecisions { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Escalation per table (seed L2/L3): strategy changes, bad-row choices, last error, quarantined rows.</summary>
    [Id(60)] public Dictionary<string, TableEscalation> Escalations { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Missing-parents decisions raised: decision id → the connection rule it is about.</summary>
    [Id(80)] public Dictionary<string, MissingParentReference> MissingParents { get; set; } = new(StringComparer.Ordinal);
    /// <summary>A missing-parents decision raised during the copy (the migration waits, stopped safely, until it is answered).</summary>
    [Id(81)] public DecisionRequest? MidRunMissingParents { get; set; }
    /// <summary>Connection rules answered "create placeholders": their parents get stand-in rows before the copy.</summary>
    [Id(82)] public List<MissingParentReference> PlaceholderParents { get; set; } = [];
    /// <summary>Of those, the ones whose placeholders exist ("child|rule").</summary>
    [Id(83)] public HashSet<string> PlaceholdersCreated { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Table starts so far: each start of a table copy gets the next number (<see cref="TableRunState.Run"/>).</summary>
    [Id(84)] public int TableRuns { get; set; }
}
