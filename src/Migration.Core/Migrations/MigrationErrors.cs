namespace Migration.Core.Migrations;

/// <summary>Helpers for the errors the API maps to status codes (BCL types travel between agents unchanged).</summary>
public static class MigrationErrors
{
    /// <summary>The migration does not exist (NOT_FOUND).</summary>
    public static KeyNotFoundException NotFound(string migrationId) => new($"No migration with id '{migrationId}'.");

    /// <summary>The request is valid but the migration is not in a state that allows it (FAILED_PRECONDITION).</summary>
    public static InvalidOperationException WrongPhase(string migrationId, MigrationPhase phase, string action) =>
        new($"Cannot {action} migration '{migrationId}': it is {PhaseText(phase)}.");

    public static string PhaseText(MigrationPhase phase) => phase switch
    {
        MigrationPhase.AwaitingApproval => "waiting for plan approval",
        MigrationPhase.AwaitingDecision => "waiting for a decision",
        MigrationPhase.Execution => "running (copying data)",
        MigrationPhase.Validation => "running (validating)",
        MigrationPhase.Completed => "already completed",
        MigrationPhase.Failed => "failed",
        MigrationPhase.Cancelled => "cancelled",
        MigrationPhase.RolledBack => "rolled back",
        MigrationPhase.Paused => "paused",
        _ => phase.ToString().ToLowerInvariant(),
    };
}
