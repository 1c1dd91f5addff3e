using Migration.Agents.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Orleans.Concurrency;

namespace Migration.Agents.Planning;

[StatelessWorker]
public sealed class PlanningGrain : Grain, IPlanningGrain
{
    public Task<MigrationPlan> PlanAsync(DatabaseCatalog source, DatabaseCatalog target, MigrationOptions options) =>
        Task.FromResult(MigrationPlanner.Build(source, target, options));
}
