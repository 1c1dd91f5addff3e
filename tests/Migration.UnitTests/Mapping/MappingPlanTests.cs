using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

public sealed class MappingPlanTests
{
    private static MigrationPlan Plan(MappingSpec spec) =>
        MigrationPlanner.Build(LegacyCatalogs.Source(), LegacyCatalogs.Target(), new MigrationOptions { Mapping = spec });

    [Fact]
    public void Build_WithSpec_PlansOnlyMappedTablesParentsFirst()
    {
        var plan = Plan(LegacySpecs.Expected());

        Assert.False(plan.HasBlockingProblems, string.Join("; ", plan.Problems.Select(p => p.Message)));
        var tables = plan.Tables.ToList();
        Assert.Equal(9, tables.Count);
        Assert.DoesNotContain(tables, t => t.Table == Q("dispatch_status") || t.Table == Q("django_content_type"));
        int Wave(string name) => tables.Single(t => t.Table == Q(name)).Wave;
        Assert.True(Wave("dispatch_customer") < Wave("dispatch_order"));
        Assert.True(Wave("dispatch_order") < Wave("dispatch_order_item"));
        Assert.True(Wave("dispatch_product") < Wave("dispatch_order_item"));
        Assert.True(Wave("dispatch_order") < Wave("dispatch_comment"));
        var items = tables.Single(t => t.Table == Q("dispatch_order_item"));
        Assert.True(items.ChecksForeignKeysDuringLoad);
        Assert.Equal([Q("dispatch_order"), Q("dispatch_product")], items.DependsOn);
    }

    [Fact]
    public void Build_WithSpec_CarriesSpecAndDescribesTransforms()
    {
        var plan = Plan(LegacySpecs.Expected());

        var orders = plan.Tables.Single(t => t.Table == Q("dispatch_order"));
        Assert.Equal(WritePath.Mapped, orders.WritePath);
        Assert.False(orders.CreateInTarget);
        Assert.Equal(Q("orders"), orders.Mapping.Target);
        Assert.NotNull(orders.Mapping.Spec);
        Assert.Equal("orders", orders.Mapping.Spec!.EntityType);
        Assert.Contains("mapping specification", orders.Reason, StringComparison.Ordinal);
        var columns = orders.Mapping.Columns.ToDictionary(c => c.TargetColumn);
        Assert.Equal(["id", "legacy_id", "status", "ordered_at", "total_amount", "notes", "customer_id", "metadata"], orders.Mapping.Columns.Select(c => c.TargetColumn));
        Assert.Contains("new uuid for orders", columns["id"].Transform, StringComparison.Ordinal);
        Assert.Equal("order_date → ordered_at (rename)", columns["ordered_at"].Transform);
        Assert.Contains("value map, 4 values", columns["status"].Transform, StringComparison.Ordinal);
        Assert.Contains("new id of customers", columns["customer_id"].Transform, StringComparison.Ordinal);
        Assert.Null(columns["notes"].Transform);
    }

    [Fact]
    public void Build_WithBadSpec_ReportsBlockingProblemWithPath()
    {
        var spec = LegacySpecs.Expected();
        spec = spec with { Tables = [spec.Tables[0] with { Columns = [new ColumnMap("name") { Source = "category_name" }] }, .. spec.Tables.Skip(1)] };

        var plan = Plan(spec);

        Assert.True(plan.HasBlockingProblems);
        var problem = Assert.Single(plan.Problems, p => p.Severity == PlanProblemSeverity.Blocking);
        Assert.Equal("tables[0].columns[0].source", problem.Column);
        Assert.Equal("public.dispatch_category", problem.Table);
    }

    [Fact]
    public void Build_WithSelfReferencingTargetKey_DefersItOnTheTargetTable()
    {
        var target = LegacyCatalogs.Target();
        var categories = target.FindTable(Q("categories"))!;
        var selfKey = new Migration.Core.Catalog.ForeignKeyInfo("categories_parent_fkey", Q("categories"), ["parent_id"], Q("categories"), ["id"],
            "FOREIGN KEY (parent_id) REFERENCES categories(id)", false);
        target = target with { Tables = target.Tables.Select(t => t == categories ? t with { ForeignKeys = [selfKey] } : t).ToList() };

        var plan = MigrationPlanner.Build(LegacyCatalogs.Source(), target, new MigrationOptions { Mapping = LegacySpecs.Expected() });

        var deferred = Assert.Single(plan.DeferredConstraints);
        Assert.Equal(Q("categories"), deferred.Table);
        Assert.Equal("categories_parent_fkey", deferred.Name);
    }
}
