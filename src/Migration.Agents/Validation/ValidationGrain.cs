using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Orleans.Concurrency;

namespace Migration.Agents.Validation;

[StatelessWorker]
public sealed class ValidationGrain(IMigrationValidator validator) : Grain, IValidationGrain
{
    public Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source) =>
        validator.ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source);

    public Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Core.Execution.QuarantineExclusion quarantined) =>
        validator.ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, quarantined);

    public Task<TableValidation> ValidateTableAsync(string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source,
        Core.Execution.QuarantineExclusion quarantined, Core.Mapping.MappingSpec? spec, string? migrationId) =>
        validator.ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, quarantined, spec, migrationId);
}
