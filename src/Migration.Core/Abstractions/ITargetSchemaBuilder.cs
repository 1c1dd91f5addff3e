using Migration.Core.Catalog;
using Migration.Core.Planning;

namespace Migration.Core.Abstractions;

/// <summary>Prepares the target before the load and finishes it afterwards.</summary>
public interface ITargetSchemaBuilder
{
    /// <summary>
    /// Creates what the target lacks (schemas, enums, domains, sequences, the tables marked CreateInTarget with their
    /// primary keys only) and sets aside the plan's deferred constraints. Idempotent: safe to run again on resume.
    /// </summary>
    Task PrepareAsync(string targetConnectionString, DatabaseCatalog source, MigrationPlan plan, CancellationToken cancellationToken = default);

    /// <summary>
    /// After the load: creates the remaining indexes, unique keys, checks and foreign keys of created tables,
    /// re-creates deferred constraints (which re-checks them), and sets sequences past the loaded values. Idempotent.
    /// </summary>
    Task FinishAsync(string targetConnectionString, DatabaseCatalog source, MigrationPlan plan, CancellationToken cancellationToken = default);
}
