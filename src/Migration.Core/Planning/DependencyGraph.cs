using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>
/// The foreign key graph between the tables of a migration (child → parent). Finds strongly connected components
/// (Tarjan) so cycles can be broken explicitly, and layers the remaining acyclic graph into waves.
/// </summary>
public sealed class DependencyGraph
{
    private readonly SortedSet<QualifiedName> _nodes;
    private readonly List<ForeignKeyInfo> _edges;

    public DependencyGraph(IEnumerable<QualifiedName> tables, IEnumerable<ForeignKeyInfo> foreignKeys)
    {
        _nodes = new SortedSet<QualifiedName>(tables);
        _edges = foreignKeys.Where(f => _nodes.Contains(f.Table) && _nodes.Contains(f.ReferencedTable)).ToList();
    }

    public IReadOnlyList<ForeignKeyInfo> Edges => _edges;

    /// <summary>
    /// The foreign keys that no load order can satisfy: self-references, and within each cycle the keys that point
    /// from a table to one loaded after it. Tables of a cycle are placed greedily: next comes the table with the
    /// fewest keys to tables not yet placed (the most "parent-like"), ties by name, so the choice is stable and
    /// breaks few keys (one for a simple cycle of any length).
    /// </summary>
    public IReadOnlyList<(ForeignKeyInfo Key, IReadOnlyList<QualifiedName> Cycle)> CycleBreakingEdges()
    {
        var result = new List<(ForeignKeyInfo, IReadOnlyList<QualifiedName>)>();
        foreach (var component in StronglyConnectedComponents())
        {
            var members = component.ToHashSet();
            var inner = _edges.Where(e => members.Contains(e.Table) && members.Contains(e.ReferencedTable))
                .OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
            if (inner.Count == 0)
            {
                continue;
            }

            var order = new Dictionary<QualifiedName, int>();
            var unplaced = new SortedSet<QualifiedName>(component);
            while (unplaced.Count > 0)
            {
                var next = unplaced
                    .OrderBy(t => inner.Count(e => e.Table == t && !e.IsSelfReference && unplaced.Contains(e.ReferencedTable)))
                    .ThenBy(t => t)
                    .First();
                order[next] = order.Count;
                unplaced.Remove(next);
            }

            var cycle = component.OrderBy(t => order[t]).ToList();
            foreach (var edge in inner.Where(e => order[e.ReferencedTable] >= order[e.Table]))
            {
                result.Add((edge, edge.IsSelfReference ? [edge.Table] : cycle));
            }
        }

        return result;
    }

    /// <summary>
    /// Layers the tables: wave 1 has no parents; a table's wave is one more than its latest parent's, ignoring
    /// <paramref name="ignoredKeys"/> (the broken cycle keys). Tables within a wave are sorted by name.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<QualifiedName>> Waves(IReadOnlySet<string> ignoredKeys)
    {
        ArgumentNullException.ThrowIfNull(ignoredKeys);
        var parents = _nodes.ToDictionary(n => n, _ => new HashSet<QualifiedName>());
        foreach (var edge in _edges.Where(e => !e.IsSelfReference && !ignoredKeys.Contains(e.Id)))
        {
            parents[edge.Table].Add(edge.ReferencedTable);
        }

        var wave = new Dictionary<QualifiedName, int>();
        var remaining = new SortedSet<QualifiedName>(_nodes);
        var current = 0;
        while (remaining.Count > 0)
        {
            current++;
            var ready = remaining.Where(t => parents[t].All(p => wave.TryGetValue(p, out var w) && w < current)).ToList();
            if (ready.Count == 0)
            {
                throw new InvalidOperationException(
                    "The foreign key graph still has a cycle after breaking: " + string.Join(", ", remaining));
            }

            foreach (var table in ready)
            {
                wave[table] = current;
                remaining.Remove(table);
            }
        }

        return wave.GroupBy(kv => kv.Value).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<QualifiedName>)g.Select(kv => kv.Key).Order().ToList()).ToList();
    }

    /// <summary>Parents of <paramref name="table"/> through keys not in <paramref name="ignoredKeys"/>.</summary>
    public IReadOnlyList<QualifiedName> ParentsOf(QualifiedName table, IReadOnlySet<string> ignoredKeys) =>
        _edges.Where(e => e.Table == table && !e.IsSelfReference && !ignoredKeys.Contains(e.Id))
            .Select(e => e.ReferencedTable).Distinct().Order().ToList();

    private List<List<QualifiedName>> StronglyConnectedComponents()
    {
        var index = 0;
        var indices = new Dictionary<QualifiedName, int>();
        var lowLinks = new Dictionary<QualifiedName, int>();
        var onStack = new HashSet<QualifiedName>();
        var stack = new Stack<QualifiedName>();
        var components = new List<List<QualifiedName>>();
        var successors = _nodes.ToDictionary(n => n, n => _edges.Where(e => e.Table == n).Select(e => e.ReferencedTable).Distinct().Order().ToList());

        void Visit(QualifiedName node)
        {
            indices[node] = lowLinks[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in successors[node])
            {
                if (!indices.ContainsKey(next))
                {
                    Visit(next);
                    lowLinks[node] = Math.Min(lowLinks[node], lowLinks[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLinks[node] = Math.Min(lowLinks[node], indices[next]);
                }
            }

            if (lowLinks[node] == indices[node])
            {
                var component = new List<QualifiedName>();
                QualifiedName member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in _nodes)
        {
            if (!indices.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
