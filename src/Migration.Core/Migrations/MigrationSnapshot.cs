using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Core.Migrations;

/// <summary>Everything about a migration that can be shown (no secrets).</summary>
public sealed record MigrationSnapshot(
    string Id,
    MigrationPhase Phase,
    MigrationPhase? PausedPhase,
    string Source,
    string Target,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    long RowsTotal,
    long RowsCopied,
    double RowsPerSecond,
    TimeSpan? EstimatedRemaining,
    IReadOnlyList<TableProgressSnapshot> Tables,
    string? ErrorMessage,
    ValidationReport? Validation,
    long LastEventSequence,
    MigrationPlan? Plan,
    bool Approved,
    string? ApprovedBy,
    string? StartedBy);
