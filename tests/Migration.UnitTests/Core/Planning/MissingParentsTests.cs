using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.UnitTests.Core.Builders;

namespace Migration.UnitTests.Core.Planning;

/// <summary>The missing-parents gate's pure part: which connection rules point outside the migration, and the decision.</summary>
public sealed class MissingParentsTests
{
    private static readonly CatalogBuilder Shop = new CatalogBuilder()
        .Table("public.customers")
        .Table("public.orders", t => t.ForeignKey("public.customers", "customer_id").ForeignKey("public.orders", "previous_id"))
        .Table("public.lines", t => t.ForeignKey("public.orders", "order_id"));

    private static MissingParentReference Reference(bool checkedDuringLoad = true) =>
        new(QualifiedName.Parse("public.orders"), "orders_customer_id_fkey", ["customer_id"], QualifiedName.Parse("public.customers"), ["id"], true, checkedDuringLoad);

    [Fact]
    public void References_ParentExcluded_FindsOnlyTheRuleLeavingTheMigration()
    {
        var source = Shop.Build();
        var plan = MigrationPlanner.Build(source, DatabaseCatalog.Empty("target"), new MigrationOptions { ExcludeTables = ["customers"] });

        var reference = Assert.Single(MissingParents.References(plan, source, DatabaseCatalog.Empty("target")));

        Assert.Equal("public.orders", reference.Child.ToString());
        Assert.Equal("orders_customer_id_fkey", reference.Rule);
        Assert.Equal(["customer_id"], reference.ChildColumns);
        Assert.Equal("public.customers", reference.Parent.ToString());
        Assert.False(reference.ParentInTarget);
        Assert.False(reference.CheckedDuringLoad); // created by the migration: its rules come after the load
    }

    [Fact]
    public void References_TargetHasTheTables_UsesTheTargetsRulesCheckedDuringTheLoad()
    {
        var source = Shop.Build();
        var target = Shop.BuildEmptyCopy();
        var plan = MigrationPlanner.Build(source, target, new MigrationOptions { ExcludeTables = ["customers"] });

        var reference = Assert.Single(MissingParents.References(plan, source, target));

        Assert.True(reference.ParentInTarget);
        Assert.True(reference.CheckedDuringLoad);
    }

    [Fact]
    public void References_EverythingSelected_None()
    {
        var source = Shop.Build();
        var plan = MigrationPlanner.Build(source, DatabaseCatalog.Empty("target"), new MigrationOptions());

        Assert.Empty(MissingParents.References(plan, source, DatabaseCatalog.Empty("target")));
    }

    [Fact]
    public void Decision_ParentInSourceAndTargetEmpty_RecommendsParentsFirstWithTheNumbers()
    {
        var finding = new MissingParentFinding(Reference(), 20, 12, 340, ["3", "7"], null, ParentInSource: true, ParentTargetRows: 0);

        var decision = MissingParents.Decision(finding, 2, 1);

        Assert.Equal("missing-parents-2-1", decision.Id);
        Assert.True(MissingParents.IsMissingParentsDecision(decision.Id));
        Assert.Equal(2, MissingParents.RoundOf(decision.Id));
        Assert.Equal(["parents-first", "skip", "stop"], decision.Options.Select(o => o.Id));
        Assert.Equal(["parents-first"], decision.Options.Where(o => o.Recommended).Select(o => o.Id));
        Assert.Contains("340 row(s) of public.orders", decision.Question, StringComparison.Ordinal);
        Assert.Contains("12 customers record(s)", decision.Question, StringComparison.Ordinal);
        Assert.Contains("orders_customer_id_fkey", decision.Question, StringComparison.Ordinal);
        Assert.Contains("customers 3, 7", decision.Question, StringComparison.Ordinal);
        Assert.DoesNotContain("sample", decision.Question, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_TargetParentHoldsRowsAndRuleCheckedLate_OnlyStop()
    {
        var finding = new MissingParentFinding(Reference(checkedDuringLoad: false), 20, 5, 50, [], 12.5, ParentInSource: true, ParentTargetRows: 15);

        var decision = MissingParents.Decision(finding, 1, 1);

        var stop = Assert.Single(decision.Options);
        Assert.Equal("stop", stop.Id);
        Assert.True(stop.Recommended);
        Assert.Contains("12.5% sample", decision.Question, StringComparison.Ordinal);
    }

    [Fact]
    public void Decision_ParentNotInSource_RecommendsSkip()
    {
        var finding = new MissingParentFinding(Reference(), 20, 5, 50, ["1"], null, ParentInSource: false, ParentTargetRows: 0);

        var decision = MissingParents.Decision(finding, 1, 1);

        Assert.Equal(["skip", "stop"], decision.Options.Select(o => o.Id));
        Assert.True(decision.Options[0].Recommended);
        Assert.False(MissingParents.IsMissingParentsDecision("schema-mismatch-1-t0-c1-enum"));
    }
}
