namespace Migration.Core.Recovery;

/// <summary>
/// A request to the orchestrator to roll back (seed level 4).
/// </summary>
/// <param name="Tables">
/// Null or empty: the whole migration. Otherwise only these tables (plan table names, e.g. "public.orders"): their rows
/// and checkpoints go, and the copy of them can run again.
/// </param>
/// <param name="Retry">
/// After the rollback, run the copy again (the level-3 option "roll back and retry"). Without it a whole-migration
/// rollback ends the migration (phase RolledBack) and a table rollback leaves it paused.
/// </param>
public sealed record RollbackCommand(string RequestedBy, string Reason, IReadOnlyList<string>? Tables = null, bool Retry = false)
{
    public bool WholeMigration => (Tables is null || Tables.Count == 0) && !Retry;
}
