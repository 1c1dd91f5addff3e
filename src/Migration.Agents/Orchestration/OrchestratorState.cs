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
}
