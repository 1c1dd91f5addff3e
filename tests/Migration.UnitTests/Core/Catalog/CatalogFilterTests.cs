using Migration.Core.Catalog;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Core.Catalog;

public sealed class CatalogFilterTests
{
    [Fact]
    public void All_IncludesEverySchemaAndTable()
    {
        Assert.True(CatalogFilter.All.IncludesSchema("public"));
        Assert.True(CatalogFilter.All.IncludesSchema("sales"));
        Assert.True(CatalogFilter.All.IncludesTable(Q("sales.orders")));
    }

    [Fact]
    public void IncludesSchema_IncludeList_KeepsOnlyThoseSchemas()
    {
        var filter = new CatalogFilter(["sales", "hr"], [], [], []);

        Assert.True(filter.IncludesSchema("sales"));
        Assert.True(filter.IncludesSchema("hr"));
        Assert.False(filter.IncludesSchema("public"));
        Assert.False(filter.IncludesTable(Q("public.orders")));
        Assert.True(filter.IncludesTable(Q("hr.staff")));
    }

    [Fact]
    public void IncludesSchema_ExcludedAndIncluded_ExclusionWins()
    {
        var filter = new CatalogFilter(["sales"], ["sales"], [], []);

        Assert.False(filter.IncludesSchema("sales"));
    }

    [Fact]
    public void IncludesSchema_ExcludeListOnly_KeepsTheRest()
    {
        var filter = new CatalogFilter([], ["audit"], [], []);

        Assert.False(filter.IncludesSchema("audit"));
        Assert.False(filter.IncludesTable(Q("audit.log")));
        Assert.True(filter.IncludesTable(Q("public.log")));
    }

    [Fact]
    public void IncludesSchema_DifferentCase_IsAnotherSchema()
    {
        var filter = new CatalogFilter(["sales"], [], [], []);

        Assert.False(filter.IncludesSchema("Sales"));
    }

    [Fact]
    public void IncludesTable_BareNameInIncludeList_MatchesThatNameInEverySchema()
    {
        var filter = new CatalogFilter([], [], ["orders"], []);

        Assert.True(filter.IncludesTable(Q("public.orders")));
        Assert.True(filter.IncludesTable(Q("sales.orders")));
        Assert.False(filter.IncludesTable(Q("public.customers")));
    }

    [Fact]
    public void IncludesTable_QualifiedNameInIncludeList_MatchesOnlyThatSchema()
    {
        var filter = new CatalogFilter([], [], ["sales.orders"], []);

        Assert.True(filter.IncludesTable(Q("sales.orders")));
        Assert.False(filter.IncludesTable(Q("public.orders")));
    }

    [Fact]
    public void IncludesTable_ExcludedTable_IsLeftOutEvenWhenIncluded()
    {
        var filter = new CatalogFilter([], [], ["orders", "customers"], ["public.orders"]);

        Assert.False(filter.IncludesTable(Q("public.orders")));
        Assert.True(filter.IncludesTable(Q("sales.orders")));
        Assert.True(filter.IncludesTable(Q("public.customers")));
    }

    [Fact]
    public void IncludesTable_BareNameInExcludeList_ExcludesItInEverySchema()
    {
        var filter = new CatalogFilter([], [], [], ["tmp"]);

        Assert.False(filter.IncludesTable(Q("public.tmp")));
        Assert.False(filter.IncludesTable(Q("sales.tmp")));
        Assert.True(filter.IncludesTable(Q("public.tmp2")));
    }

    [Fact]
    public void IncludesTable_IncludedTableInExcludedSchema_IsLeftOut()
    {
        var filter = new CatalogFilter([], ["sales"], ["sales.orders"], []);

        Assert.False(filter.IncludesTable(Q("sales.orders")));
    }

    [Fact]
    public void IncludesTable_IncludedTableOutsideIncludedSchemas_IsLeftOut()
    {
        var filter = new CatalogFilter(["public"], [], ["sales.orders", "orders"], []);

        Assert.False(filter.IncludesTable(Q("sales.orders")));
        Assert.True(filter.IncludesTable(Q("public.orders")));
    }
}
