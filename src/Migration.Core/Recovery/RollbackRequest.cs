using Migration.Core.Catalog;
using Migration.Core.Planning;

namespace Migration.Core.Recovery;

/// <summary>
/// Remove what a migration wrote into <see cref="Tables"/> (children before parents) and reset its control state.
/// </summary>
/// <param name="Tables">The tables to roll back, in delete order (tables that reference others first).</param>
/// <param name="WholeMigration">
/// True: the migration ends (tables it created are dropped, constraints it set aside are put back, all its control
/// rows go). False: the rows go and the tables' checkpoints are reset so the copy can run again.
/// </param>
/// <param name="ControlTableNames">The same tables as the control schema names them (checkpoints, batch ids: the plan's table names).</param>
/// <param name="ConstraintsToRestore">Foreign keys the migration set aside on existing tables (re-added when missing).</param>
public sealed record RollbackRequest(
    string MigrationId,
    string TargetConnectionString,
    string ControlSchema,
    IReadOnlyList<QualifiedName> Tables,
    IReadOnlyList<string> ControlTableNames,
    bool WholeMigration,
    IReadOnlyList<DeferredConstraint> ConstraintsToRestore,
    string RequestedBy,
    string Reason);
