using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.UnitTests.Core.Builders;

public static class Plans
{
    /// <summary>Plans <paramref name="source"/> into <paramref name="target"/> (default: an empty target database).</summary>
    public static MigrationPlan Build(CatalogBuilder source, DatabaseCatalog? target = null, MigrationOptions? options = null) =>
        MigrationPlanner.Build(source.Build(), target ?? DatabaseCatalog.Empty("target"), options ?? new MigrationOptions());

    public static TablePlan Table(this MigrationPlan plan, string name) =>
        plan.Tables.Single(t => t.Table == QualifiedName.Parse(name));

    public static IReadOnlyList<string> RenderWaves(this MigrationPlan plan) =>
        Names.Render(plan.Waves.Select(w => w.Tables.Select(t => t.Table)));

    public static IEnumerable<PlanProblem> Blocking(this MigrationPlan plan) =>
        plan.Problems.Where(p => p.Severity == PlanProblemSeverity.Blocking);
}
