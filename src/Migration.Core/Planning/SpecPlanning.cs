using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Core.Planning;

/// <summary>
/// How the planner plans a migration with a <see cref="MappingSpec"/>: which source tables take part, a view of the
/// target in which each mapped target table carries its source table's name (so ordering, cycle breaking and the
/// foreign key decision work on one set of names), ordering edges from the spec's references, and the column
/// description of each mapped table.
/// </summary>
internal sealed class SpecPlanning
{
    /// <summary>Name prefix of the ordering edges made from the spec's references (they are not constraints).</summary>
    public const string ReferenceEdgePrefix = "mapping-reference:";

    private readonly MappingSpec _spec;
    private readonly DatabaseCatalog _source;
    private readonly DatabaseCatalog _target;
    private readonly Dictionary<QualifiedName, TableMap> _bySource = [];
    private readonly Dictionary<QualifiedName, QualifiedName> _targetToSource = [];

    public SpecPlanning(MappingSpec spec, DatabaseCatalog source, DatabaseCatalog target, List<PlanProblem> problems)
    {
        _spec = spec;
        _source = source;
        _target = target;
        foreach (var map in spec.Tables)
        {
            _bySource.TryAdd(map.Source, map);
            _targetToSource.TryAdd(map.Target, map.Source);
        }

        var result = MappingValidator.Validate(spec, source, target);
        foreach (var issue in result.Issues.Where(i => i.Severity != MappingIssueSeverity.Info))
        {
            var table = TableOf(issue.Path);
            problems.Add(new PlanProblem(
                issue.Severity == MappingIssueSeverity.Error ? PlanProblemSeverity.Blocking : PlanProblemSeverity.Warning,
                table?.Source.ToString(), issue.Path, $"Mapping {issue.Path}: {issue.Message}"));
        }
    }

    public TableMap? For(QualifiedName source) => _bySource.GetValueOrDefault(source);

    /// <summary>The spec's source tables that exist, plus the filter's other tables when the spec includes unlisted tables.</summary>
    public List<TableInfo> SelectTables(List<TableInfo> selectedByFilter)
    {
        var tables = _spec.Tables.Select(m => _source.FindTable(m.Source)).OfType<TableInfo>().DistinctBy(t => t.Name).ToList();
        if (_spec.IncludeUnlistedTables)
        {
            tables.AddRange(selectedByFilter.Where(t => !_bySource.ContainsKey(t.Name) && !_targetToSource.ContainsKey(t.Name)));
        }

        return tables;
    }

    /// <summary>
    /// The target as the planner sees it: each mapped target table under its source table's name, with its foreign
    /// keys pointing at source names where they point at mapped tables.
    /// </summary>
    public DatabaseCatalog GraphTarget()
    {
        var tables = new List<TableInfo>();
        foreach (var table in _target.Tables)
        {
            var name = _targetToSource.GetValueOrDefault(table.Name) ?? table.Name;
            if (!_targetToSource.ContainsKey(table.Name) && _bySource.ContainsKey(table.Name))
            {
                // An unmapped target table named like a mapped source table: not part of this migration.
                continue;
            }

            var keys = table.ForeignKeys
                .Select(f => f with { Table = name, ReferencedTable = _targetToSource.GetValueOrDefault(f.ReferencedTable) ?? f.ReferencedTable })
                .ToList();
            tables.Add(table with { Name = name, ForeignKeys = keys });
        }

        return _target with { Tables = tables };
    }

    /// <summary>Ordering edges (child → parent, source names) from the references of the spec.</summary>
    public IEnumerable<ForeignKeyInfo> ReferenceEdges()
    {
        foreach (var map in _spec.Tables)
        {
            var parents = map.References.Select(r => (r.SourceColumn, r.EntityType))
                .Concat(map.PolymorphicReferences.SelectMany(p => p.Types.Select(t => (p.IdColumn, t.EntityType))));
            foreach (var (column, entityType) in parents)
            {
                if (_spec.FindByEntityType(entityType) is { } parent)
                {
                    yield return new ForeignKeyInfo($"{ReferenceEdgePrefix}{column}:{entityType}", map.Source, [column], parent.Source,
                        [parent.Key?.SourceColumn ?? "id"], $"mapping reference {column} → {entityType}", false);
                }
            }
        }
    }

    /// <summary>A deferred constraint of the graph view, named as it is in the real target.</summary>
    public DeferredConstraint ToTarget(DeferredConstraint constraint) => constraint with
    {
        Table = TargetOf(constraint.Table),
        Tables = constraint.Tables.Select(TargetOf).ToList(),
    };

    public QualifiedName TargetOf(QualifiedName source) => _bySource.TryGetValue(source, out var map) ? map.Target : source;

    /// <summary>The plan's column list for a mapped table: one entry per target column written, with its transform.</summary>
    public TableMapping MapColumns(TableMap map, TableInfo sourceTable)
    {
        var target = _target.FindTable(map.Target);
        string TargetType(string column) => target?.FindColumn(column)?.DataType ?? "";
        string SourceType(string? column)
        {
            if (column is null)
            {
                return "";
            }

            if (sourceTable.FindColumn(column) is { } found)
            {
                return found.DataType;
            }

            var lookup = map.Lookups.FirstOrDefault(l => l.Name == column);
            return lookup is null ? "" : _source.FindTable(lookup.Table)?.FindColumn(lookup.ValueColumn)?.DataType ?? "";
        }

        var columns = new List<ColumnMapping>();
        if (map.Key is { Strategy: KeyStrategy.NewUuid } key)
        {
            var legacy = key.SourceColumn ?? sourceTable.PrimaryKey?.Columns.FirstOrDefault() ?? "";
            columns.Add(new ColumnMapping(legacy, key.TargetColumn, SourceType(legacy), TargetType(key.TargetColumn))
            {
                Transform = $"new uuid for {map.EntityType} (legacy id {legacy} → migration_mappings)",
            });
            if (key.LegacyIdColumn is not null)
            {
                columns.Add(new ColumnMapping(legacy, key.LegacyIdColumn, SourceType(legacy), TargetType(key.LegacyIdColumn))
                {
                    Transform = $"legacy id kept: {legacy} → {key.LegacyIdColumn}",
                });
            }
        }

        foreach (var column in map.Columns)
        {
            var source = column.Transform switch
            {
                ColumnTransform.Expression => column.Expression ?? "",
                ColumnTransform.Concat => string.Join(" + ", column.Columns),
                _ => column.Source ?? "",
            };
            var identity = column.Transform == ColumnTransform.Copy && column.Source == column.Target && column.DefaultValue is null
                && SourceType(column.Source) == TargetType(column.Target);
            columns.Add(new ColumnMapping(source, column.Target, SourceType(column.Source), TargetType(column.Target))
            {
                Transform = identity ? null : column.Description,
            });
        }

        foreach (var reference in map.References)
        {
            columns.Add(new ColumnMapping(reference.SourceColumn, reference.TargetColumn, SourceType(reference.SourceColumn), TargetType(reference.TargetColumn))
            {
                Transform = $"{reference.SourceColumn} → {reference.TargetColumn} (new id of {reference.EntityType}, orphans: {Lower(reference.OnOrphan)})",
            });
        }

        foreach (var polymorphic in map.PolymorphicReferences)
        {
            foreach (var column in polymorphic.TargetColumns())
            {
                columns.Add(new ColumnMapping($"{polymorphic.TypeColumn} + {polymorphic.IdColumn}", column, SourceType(polymorphic.IdColumn), TargetType(column))
                {
                    Transform = $"{polymorphic.TypeColumn} + {polymorphic.IdColumn} → {column} (polymorphic: " +
                        string.Join(", ", polymorphic.Types.Select(t => $"{t.TypeValue} = {t.EntityType}")) + $"; orphans: {Lower(polymorphic.OnOrphan)})",
                });
            }
        }

        if (map.Leftovers is { } leftovers)
        {
            var folded = leftovers.Resolve(map, sourceTable.CopyableColumns.Select(c => c.Name));
            columns.Add(new ColumnMapping(string.Join(", ", folded), leftovers.TargetColumn, "", TargetType(leftovers.TargetColumn))
            {
                Transform = $"{string.Join(", ", folded)} → {leftovers.TargetColumn} (folded into JSON)",
            });
        }

        return new TableMapping(map.Source, map.Target, columns) { Spec = map };
    }

    private static string Lower(Enum value) => value.ToString().ToLowerInvariant();

    private TableMap? TableOf(string path)
    {
        if (!path.StartsWith("tables[", StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.IndexOf(']', StringComparison.Ordinal);
        return int.TryParse(path.AsSpan(7, end - 7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < _spec.Tables.Count ? _spec.Tables[index] : null;
    }
}
