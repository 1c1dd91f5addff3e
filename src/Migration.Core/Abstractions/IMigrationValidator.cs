using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Core.Abstractions;

/// <summary>Full validation: counts, order-independent content checksums computed in SQL on both sides, orphans.</summary>
public interface IMigrationValidator
{
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source, CancellationToken cancellationToken = default);
}
