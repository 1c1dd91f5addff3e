using Migration.Core.Catalog;
using Migration.Core.Planning;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Core.Planning;

public sealed class DependencyGraphTests
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    /// <summary>A foreign key from <paramref name="child"/> to <paramref name="parent"/>.</summary>
    private static ForeignKeyInfo Fk(string child, string parent, string? name = null) =>
        new(name ?? $"{child}_{parent}_fkey", Q(child), [parent + "_id"], Q(parent), ["id"],
            $"FOREIGN KEY ({parent}_id) REFERENCES {parent}(id)", false);

    private static DependencyGraph Graph(string tables, params ForeignKeyInfo[] keys) =>
        new(tables.Split(',').Select(Q), keys);

    [Fact]
    public void Waves_Chain_LoadsParentsFirst()
    {
        var graph = Graph("a,b,c", Fk("a", "b"), Fk("b", "c"));

        Assert.Empty(graph.CycleBreakingEdges());
        Assert.Equal(["c", "b", "a"], Render(graph.Waves(None)));
    }

    [Fact]
    public void Waves_NoKeys_OneWaveSortedByName()
    {
        var graph = Graph("c,a,b");

        Assert.Equal(["a,b,c"], Render(graph.Waves(None)));
    }

    [Fact]
    public void Waves_NoTables_NoWaves()
    {
        var graph = new DependencyGraph([], []);

        Assert.Empty(graph.Waves(None));
        Assert.Empty(graph.CycleBreakingEdges());
    }

    [Fact]
    public void Waves_Diamond_SharedParentFirstAndSiblingsTogether()
    {
        var graph = Graph("d,c,b,a", Fk("d", "b"), Fk("d", "c"), Fk("b", "a"), Fk("c", "a"));

        Assert.Empty(graph.CycleBreakingEdges());
        Assert.Equal(["a", "b,c", "d"], Render(graph.Waves(None)));
    }

    [Fact]
    public void Waves_TableWithParentsAtDifferentDepths_WaitsForTheLatest()
    {
        // order_lines → orders → customers, and order_lines → customers directly.
        var graph = Graph("customers,orders,order_lines",
            Fk("order_lines", "orders"), Fk("order_lines", "customers"), Fk("orders", "customers"));

        Assert.Equal(["customers", "orders", "order_lines"], Render(graph.Waves(None)));
    }

    [Fact]
    public void Waves_ParallelKeysBetweenTheSameTables_CountOnce()
    {
        var graph = Graph("a,b", Fk("b", "a", "b_created_by_fkey"), Fk("b", "a", "b_updated_by_fkey"));

        Assert.Empty(graph.CycleBreakingEdges());
        Assert.Equal(["a", "b"], Render(graph.Waves(None)));
        Assert.Equal([Q("a")], graph.ParentsOf(Q("b"), None));
    }

    [Fact]
    public void Constructor_KeysToTablesOutsideTheSet_AreIgnored()
    {
        var graph = Graph("a,b", Fk("a", "x"), Fk("x", "b"), Fk("b", "a"));

        Assert.Equal(["b_a_fkey"], graph.Edges.Select(e => e.Name));
        Assert.Equal(["a", "b"], Render(graph.Waves(None)));
        Assert.Empty(graph.ParentsOf(Q("a"), None));
    }

    [Fact]
    public void Constructor_SameTableNameInAnotherSchema_IsADifferentTable()
    {
        var graph = Graph("public.a,sales.a", Fk("sales.a", "public.a"));

        Assert.Equal(["a", "sales.a"], Render(graph.Waves(None)));
    }

    [Fact]
    public void CycleBreakingEdges_TwoTableCycle_BreaksExactlyOneKey()
    {
        var graph = Graph("a,b", Fk("a", "b"), Fk("b", "a"));

        var (key, cycle) = Assert.Single(graph.CycleBreakingEdges());

        // Ties are broken by name: a is loaded first, so its key to b is the one set aside.
        Assert.Equal("a_b_fkey", key.Name);
        Assert.Equal([Q("a"), Q("b")], cycle);
        Assert.Equal(["a", "b"], Render(graph.Waves(new HashSet<string> { key.Id })));
    }

    [Fact]
    public void CycleBreakingEdges_TwoTableCycle_ChoiceDoesNotDependOnInputOrder()
    {
        var forward = Graph("a,b", Fk("a", "b"), Fk("b", "a"));
        var backward = Graph("b,a", Fk("b", "a"), Fk("a", "b"));

        Assert.Equal(
            forward.CycleBreakingEdges().Select(e => e.Key.Id),
            backward.CycleBreakingEdges().Select(e => e.Key.Id));
    }

    [Fact]
    public void CycleBreakingEdges_OneSideHasMoreKeys_BreaksTheSideWithFewer()
    {
        // b has two keys to a, a has one to b: breaking a's single key costs less than b's two.
        var graph = Graph("a,b", Fk("a", "b"), Fk("b", "a", "b_owner_fkey"), Fk("b", "a", "b_editor_fkey"));

        var (key, _) = Assert.Single(graph.CycleBreakingEdges());

        Assert.Equal("a_b_fkey", key.Name);
        Assert.Equal(["a", "b"], Render(graph.Waves(new HashSet<string> { key.Id })));
    }

    [Fact]
    public void CycleBreakingEdges_ParentLikeTableNamedLater_IsStillLoadedFirst()
    {
        // a has two keys to z, z has one to a: z is loaded first and its single key is set aside.
        var graph = Graph("a,z", Fk("a", "z", "a_one_fkey"), Fk("a", "z", "a_two_fkey"), Fk("z", "a"));

        var (key, cycle) = Assert.Single(graph.CycleBreakingEdges());

        Assert.Equal("z_a_fkey", key.Name);
        Assert.Equal([Q("z"), Q("a")], cycle);
        Assert.Equal(["z", "a"], Render(graph.Waves(new HashSet<string> { key.Id })));
    }

    [Fact]
    public void CycleBreakingEdges_ThreeTableCycle_BreaksExactlyOneKey()
    {
        var graph = Graph("a,b,c", Fk("a", "b"), Fk("b", "c"), Fk("c", "a"));

        var (key, cycle) = Assert.Single(graph.CycleBreakingEdges());

        Assert.Equal(3, cycle.Count);
        Assert.Equal([Q("a"), Q("b"), Q("c")], cycle.Order());
        var waves = graph.Waves(new HashSet<string> { key.Id });
        Assert.Equal(3, waves.Count);
        Assert.All(graph.Edges.Where(e => e != key), e =>
            Assert.True(WaveOf(waves, e.ReferencedTable) < WaveOf(waves, e.Table), $"{e.Id} must point to an earlier wave"));
    }

    [Fact]
    public void CycleBreakingEdges_ThreeTableCycle_ChoiceDoesNotDependOnInputOrder()
    {
        var one = Graph("a,b,c", Fk("a", "b"), Fk("b", "c"), Fk("c", "a"));
        var two = Graph("c,b,a", Fk("c", "a"), Fk("b", "c"), Fk("a", "b"));

        Assert.Equal(one.CycleBreakingEdges().Select(e => e.Key.Id), two.CycleBreakingEdges().Select(e => e.Key.Id));
    }

    [Fact]
    public void CycleBreakingEdges_SelfReference_BreaksItAloneAndWavesIgnoreIt()
    {
        var graph = Graph("employees,departments",
            Fk("employees", "employees", "employees_manager_fkey"), Fk("employees", "departments"));

        var (key, cycle) = Assert.Single(graph.CycleBreakingEdges());

        Assert.Equal("employees_manager_fkey", key.Name);
        Assert.True(key.IsSelfReference);
        Assert.Equal([Q("employees")], cycle);
        Assert.Equal(["departments", "employees"], Render(graph.Waves(None)));
    }

    [Fact]
    public void CycleBreakingEdges_CycleWithSelfReferenceInside_BreaksBoth()
    {
        var graph = Graph("a,b", Fk("a", "b"), Fk("b", "a"), Fk("b", "b", "b_parent_fkey"));

        var broken = graph.CycleBreakingEdges();

        Assert.Equal(2, broken.Count);
        Assert.Contains(broken, e => e.Key.Name == "b_parent_fkey" && e.Cycle.SequenceEqual([Q("b")]));
        Assert.Contains(broken, e => !e.Key.IsSelfReference && e.Cycle.Count == 2);
    }

    [Fact]
    public void CycleBreakingEdges_TwoSeparateCycles_BreaksOneKeyInEach()
    {
        var graph = Graph("a,b,c,d,e",
            Fk("a", "b"), Fk("b", "a"), Fk("c", "d"), Fk("d", "c"), Fk("e", "a"), Fk("e", "c"));

        var broken = graph.CycleBreakingEdges();

        Assert.Equal(2, broken.Count);
        var ignored = broken.Select(e => e.Key.Id).ToHashSet();
        var waves = graph.Waves(ignored);
        Assert.Equal(["a,c", "b,d,e"], Render(waves));
    }

    [Fact]
    public void CycleBreakingEdges_ChainIntoCycle_OnlyCycleKeysAreBroken()
    {
        // store ↔ staff, rental → staff, payment → rental.
        var graph = Graph("store,staff,rental,payment",
            Fk("store", "staff", "store_manager_fkey"), Fk("staff", "store"), Fk("rental", "staff"), Fk("payment", "rental"));

        var (key, cycle) = Assert.Single(graph.CycleBreakingEdges());

        Assert.Equal("staff_store_fkey", key.Name);
        Assert.Equal([Q("staff"), Q("store")], cycle);
        Assert.Equal(["staff", "rental,store", "payment"], Render(graph.Waves(new HashSet<string> { key.Id })));
    }

    [Fact]
    public void Waves_CycleLeftInPlace_ThrowsNamingTheTables()
    {
        var graph = Graph("a,b,c", Fk("a", "b"), Fk("b", "a"));

        var error = Assert.Throws<InvalidOperationException>(() => graph.Waves(None));

        Assert.Contains("public.a", error.Message, StringComparison.Ordinal);
        Assert.Contains("public.b", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("public.c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Waves_AllCycleBreakingKeysIgnored_NeverThrows()
    {
        var graph = Graph("a,b,c,d",
            Fk("a", "b"), Fk("b", "c"), Fk("c", "a"), Fk("c", "d"), Fk("d", "b"), Fk("a", "a"), Fk("d", "a"));

        var ignored = graph.CycleBreakingEdges().Select(e => e.Key.Id).ToHashSet();
        var waves = graph.Waves(ignored);

        Assert.Equal(4, waves.Sum(w => w.Count));
        Assert.All(graph.Edges.Where(e => !ignored.Contains(e.Id)), e =>
            Assert.True(WaveOf(waves, e.ReferencedTable) < WaveOf(waves, e.Table), $"{e.Id} must point to an earlier wave"));
    }

    [Fact]
    public void Waves_NullIgnoredKeys_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => Graph("a").Waves(null!));
    }

    [Fact]
    public void ParentsOf_IgnoredAndSelfKeys_AreLeftOut()
    {
        var graph = Graph("a,b,c", Fk("c", "a"), Fk("c", "b"), Fk("c", "c"));

        Assert.Equal([Q("a"), Q("b")], graph.ParentsOf(Q("c"), None));
        Assert.Equal([Q("b")], graph.ParentsOf(Q("c"), new HashSet<string> { "public.c.c_a_fkey" }));
        Assert.Empty(graph.ParentsOf(Q("a"), None));
    }

    private static int WaveOf(IReadOnlyList<IReadOnlyList<QualifiedName>> waves, QualifiedName table) =>
        waves.Select((w, i) => (w, i)).Single(x => x.w.Contains(table)).i;
}
