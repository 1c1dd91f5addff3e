using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Agents.Abstractions;

/// <summary>Validation agent: the full check of one table (counts, content checksums, orphans).</summary>
public interface IValidationGrain : IGrainWithStringKey
{
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source);
}
