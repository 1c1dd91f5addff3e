namespace Migration.Core.Migrations;

public static class MigrationPhaseExtensions
{
    /// <summary>True for phases after which nothing more happens (the watch stream ends there).</summary>
    public static bool IsTerminal(this MigrationPhase phase) =>
        phase is MigrationPhase.Completed or MigrationPhase.Failed or MigrationPhase.RolledBack or MigrationPhase.Cancelled;

    /// <summary>True while the migration is doing work (a second start must not run it again).</summary>
    public static bool IsActive(this MigrationPhase phase) =>
        phase is MigrationPhase.Discovery or MigrationPhase.Planning or MigrationPhase.Mapping or MigrationPhase.Execution or MigrationPhase.Validation;
}
