using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;

namespace Migration.Agents.Abstractions;

/// <summary>Validation agent: the full check of one table (counts, content checksums, orphans).</summary>
public interface IValidationGrain : IGrainWithStringKey
{
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source);

    /// <summary>The full check with the source rows the copy quarantined accounted for (left out by key, only those).</summary>
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Core.Execution.QuarantineExclusion quarantined);

    /// <summary>The full check with the migration's whole mapping specification (references judged across tables) and its id.</summary>
    Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Core.Execution.QuarantineExclusion quarantined, Core.Mapping.MappingSpec? spec, string? migrationId);
}
