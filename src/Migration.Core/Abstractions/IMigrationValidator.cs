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
}
