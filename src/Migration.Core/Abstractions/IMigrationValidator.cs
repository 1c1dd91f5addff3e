using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Core.Abstractions;

/// <summary>Full validation: counts, order-independent content checksums computed in SQL on both sides, orphans.</summary>
public interface IMigrationValidator
{
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source, CancellationToken cancellationToken = default);

    /// <summary>
    /// The full validation with the source rows the copy quarantined accounted for: left out of the source's count and
    /// checksum (those rows, by key, and only those). A validator that cannot do it validates without them.
    /// </summary>
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Execution.QuarantineExclusion quarantined, CancellationToken cancellationToken = default) =>
        ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, cancellationToken);

    /// <summary>
    /// As the overload with <paramref name="quarantined"/>, with the migration's whole mapping specification (a mapped
    /// table's references are judged against the other tables' parts: an orphan kept out by a policy is told from a
    /// missing row) and the migration whose policy outcomes count (null: every migration in the control schema).
    /// </summary>
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Execution.QuarantineExclusion quarantined, Mapping.MappingSpec? spec, string? migrationId, CancellationToken cancellationToken = default) =>
        ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, quarantined, cancellationToken);
}
