using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Agents.Abstractions;

/// <summary>Planning agent: FK graph to waves, cycle breaks, strategies, batch plan, estimates.</summary>
public interface IPlanningGrain : IGrainWithStringKey
{
    Task<MigrationPlan> PlanAsync(DatabaseCatalog source, DatabaseCatalog target, MigrationOptions options);
}
