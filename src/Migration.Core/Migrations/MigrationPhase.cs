namespace Migration.Core.Migrations;

/// <summary>The orchestrator's state machine (seed phases plus the pause, decision and end states).</summary>
public enum MigrationPhase
{
    Created,
    Discovery,
    Planning,
    Mapping,
    AwaitingApproval,
    Execution,
    Validation,
    Completed,
    Paused,
    AwaitingDecision,
    Failed,
    RolledBack,
    Cancelled,
}
