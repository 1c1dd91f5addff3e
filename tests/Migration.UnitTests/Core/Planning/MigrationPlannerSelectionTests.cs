using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.UnitTests.Core.Builders;

namespace Migration.UnitTests.Core.Planning;

/// <summary>Which tables the plan copies: filters and partitions.</summary>
public sealed class MigrationPlannerSelectionTests
{
    [Fact]
    public void Build_EmptySource_BlockingNothingToMigrate()
    {
        var plan = Plans.Build(new CatalogBuilder());

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Blocking, problem.Severity);
        Assert.StartsWith("Nothing to migrate", problem.Message, StringComparison.Ordinal);
        Assert.Null(problem.Table);
        Assert.True(plan.HasBlockingProblems);
        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.Waves);
        Assert.Equal(0, plan.EstimatedRows);
        Assert.Equal("Nothing to migrate.", plan.Summary);
    }

    [Fact]
    public void Build_FilterMatchesNoTable_BlockingNothingToMigrate()
    {
        var source = new CatalogBuilder().Table("public.a").Table("public.b");

        var plan = Plans.Build(source, options: new MigrationOptions { IncludeSchemas = ["sales"] });

        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Blocking(), p => p.Message.StartsWith("Nothing to migrate", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_IncludeSchemas_OnlyTablesOfThoseSchemas()
    {
        var source = new CatalogBuilder().Table("public.a").Table("sales.orders").Table("hr.staff").Table("sales.items");

        var plan = Plans.Build(source, options: new MigrationOptions { IncludeSchemas = ["sales"] });

        Assert.Equal(["sales.items,sales.orders"], plan.RenderWaves());
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void Build_ExcludeSchemas_LeavesThoseOut()
    {
        var source = new CatalogBuilder().Table("public.a").Table("audit.log").Table("sales.orders");

        var plan = Plans.Build(source, options: new MigrationOptions { ExcludeSchemas = ["audit"] });

        Assert.Equal(["a,sales.orders"], plan.RenderWaves());
    }

    [Fact]
    public void Build_IncludeTables_BareAndQualifiedNames()
    {
        var source = new CatalogBuilder().Table("public.a").Table("public.b").Table("sales.b").Table("sales.c").Table("sales.d");

        var plan = Plans.Build(source, options: new MigrationOptions { IncludeTables = ["b", "sales.c"] });

        Assert.Equal(["b,sales.b,sales.c"], plan.RenderWaves());
    }

    [Fact]
    public void Build_ExcludeTables_LeavesThoseOut()
    {
        var source = new CatalogBuilder().Table("public.a").Table("public.tmp").Table("sales.tmp").Table("sales.keep");

        var plan = Plans.Build(source, options: new MigrationOptions { ExcludeTables = ["public.tmp"] });

        Assert.Equal(["a,sales.keep,sales.tmp"], plan.RenderWaves());
    }

    [Fact]
    public void Build_ParentTableFilteredOut_ChildNoLongerWaitsForIt()
    {
        var source = new CatalogBuilder()
            .Table("customers")
            .Table("orders", t => t.ForeignKey("customers"));

        var plan = Plans.Build(source, options: new MigrationOptions { ExcludeTables = ["customers"] });

        var orders = Assert.Single(plan.Tables);
        Assert.Equal(1, orders.Wave);
        Assert.Empty(orders.DependsOn);
        Assert.Empty(plan.DeferredConstraints);
    }

    [Fact]
    public void Build_PartitionedParentWithKey_StandsForItsPartitions()
    {
        var source = new CatalogBuilder()
            .Table("events", t => t.PrimaryKey("id", "created_at").Partitioned("RANGE (created_at)").Rows(3_000))
            .Table("events_2024", t => t.PrimaryKey("id", "created_at").PartitionOf("events").Rows(1_000))
            .Table("events_2025", t => t.PrimaryKey("id", "created_at").PartitionOf("events").Rows(2_000))
            .Table("other");

        var plan = Plans.Build(source);

        Assert.Equal(["events,other"], plan.RenderWaves());
        Assert.Equal(["id", "created_at"], plan.Table("events").KeyColumns);
        Assert.Equal(PagingStrategy.Keyset, plan.Table("events").Paging);
    }

    [Fact]
    public void Build_PartitionedParentWithoutKey_CopiesLeafPartitions()
    {
        var source = new CatalogBuilder()
            .BareTable("metrics", t => t.Column("at", "timestamp with time zone").Column("value", "double precision").Partitioned("RANGE (at)"))
            .BareTable("metrics_2024", t => t.Column("at", "timestamp with time zone").Column("value", "double precision").PartitionOf("metrics"))
            .BareTable("metrics_2025", t => t.Column("at", "timestamp with time zone").Column("value", "double precision").PartitionOf("metrics"));

        var plan = Plans.Build(source);

        Assert.Equal(["metrics_2024,metrics_2025"], plan.RenderWaves());
        Assert.All(plan.Tables, t => Assert.Equal(PagingStrategy.CtidRange, t.Paging));
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void Build_KeylessPartitionedParentNamedInIncludeTables_CopiesItsLeafPartitions()
    {
        var source = new CatalogBuilder()
            .BareTable("metrics", t => t.Column("at").Partitioned("RANGE (at)"))
            .BareTable("metrics_2024", t => t.Column("at").PartitionOf("metrics"))
            .BareTable("metrics_2025", t => t.Column("at").PartitionOf("metrics"))
            .Table("other");

        var plan = Plans.Build(source, options: new MigrationOptions { IncludeTables = ["metrics"] });

        Assert.Equal(["metrics_2024,metrics_2025"], plan.RenderWaves());
        Assert.False(plan.HasBlockingProblems);
    }

    [Fact]
    public void Build_KeyedPartitionedParentNamedInIncludeTables_CopiesTheParent()
    {
        var source = new CatalogBuilder()
            .Table("events", t => t.Partitioned())
            .Table("events_2024", t => t.PartitionOf("events"))
            .Table("other");

        var plan = Plans.Build(source, options: new MigrationOptions { IncludeTables = ["events"] });

        Assert.Equal(["events"], plan.RenderWaves());
    }

    [Fact]
    public void Build_SubPartitionedWithoutKeys_CopiesOnlyTheLeaves()
    {
        var source = new CatalogBuilder()
            .BareTable("m", t => t.Column("at").Column("region").Partitioned("RANGE (at)"))
            .BareTable("m_2024", t => t.Column("at").Column("region").Partitioned("LIST (region)").PartitionOf("m"))
            .BareTable("m_2024_eu", t => t.Column("at").Column("region").PartitionOf("m_2024"))
            .BareTable("m_2024_us", t => t.Column("at").Column("region").PartitionOf("m_2024"))
            .BareTable("m_2025", t => t.Column("at").Column("region").PartitionOf("m"));

        var plan = Plans.Build(source);

        Assert.Equal(["m_2024_eu,m_2024_us,m_2025"], plan.RenderWaves());
    }

    [Fact]
    public void Build_KeyedParentAboveSubPartitions_StandsForAllOfThem()
    {
        var source = new CatalogBuilder()
            .Table("m", t => t.Partitioned())
            .Table("m_a", t => t.Partitioned("LIST (region)").PartitionOf("m"))
            .Table("m_a_1", t => t.PartitionOf("m_a"))
            .Table("m_b", t => t.PartitionOf("m"));

        var plan = Plans.Build(source);

        Assert.Equal(["m"], plan.RenderWaves());
    }

    [Fact]
    public void Build_NullArguments_Throw()
    {
        var catalog = new CatalogBuilder().Table("a").Build();

        Assert.Throws<ArgumentNullException>(() => MigrationPlanner.Build(null!, catalog, new MigrationOptions()));
        Assert.Throws<ArgumentNullException>(() => MigrationPlanner.Build(catalog, null!, new MigrationOptions()));
        Assert.Throws<ArgumentNullException>(() => MigrationPlanner.Build(catalog, catalog, null!));
    }
}
