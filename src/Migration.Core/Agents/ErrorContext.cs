using Migration.Core.Migrations;

namespace Migration.Core.Agents;

/// <summary>The seed's ErrorContext: everything needed to understand, escalate and recover from an error.</summary>
public sealed record ErrorContext(
    AgentId Agent,
    MigrationPhase Phase,
    string Operation,
    string? BatchId,
    long AffectedRecords,
    string Message,
    string? SqlState,
    string? Constraint,
    string? Detail,
    IReadOnlyList<string> RecoveryOptions,
    string SystemState,
    int EscalationLevel);
