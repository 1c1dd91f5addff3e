using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

internal static class MigrationPhases
{
    /// <summary>Phases after which nothing more happens (the watch stream ends there).</summary>
    public static bool IsTerminal(MigrationPhase phase) =>
        phase is MigrationPhase.Completed or MigrationPhase.Failed or MigrationPhase.RolledBack or MigrationPhase.Cancelled;
}
