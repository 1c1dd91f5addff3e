using System.Globalization;
using System.Text;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// Compiles one table's part of a mapping spec (<see cref="TableMap"/>) into a <see cref="CompiledSpec"/>. Orphans
/// are found in the source query, set-based, never with an id set in memory: a reference is an orphan unless its
/// parent row exists in the parent's source table AND will itself be migrated (passes the parent's filter and value
/// map checks, and its own references that skip orphans are not orphans — followed through the spec, each entity
/// once, so a chain like item → order → customer is caught at the item).
/// </summary>
internal static class SpecCompiler
{
    public static async Task<CompiledSpec> CompileAsync(
        MappingSpec spec,
        TableMap map,
        IReadOnlyList<string> keyColumns,
        NpgsqlConnection source,
        NpgsqlConnection target,
        string controlSchema,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(map);
        var builder = new Builder(spec, map, source, keyColumns);
        var targetColumns = await SpecCatalog.TargetColumnsAsync(target, map.Target, cancellationToken);
        await builder.LoadAsync(cancellationToken);
        var compiled = await builder.BuildAsync(targetColumns, cancellationToken);
        if (map.Duplicates is { } rule)
        {
            if (!map.RemapsKeys)
            {
                throw new InvalidOperationException($"{map.Target}: a duplicate rule needs new UUID keys (key strategy newUuid).");
            }

            if (rule.Policy != DuplicatePolicy.Fail && !await SpecCatalog.HasUniqueIndexAsync(target, map.Target, rule.Columns, cancellationToken))
            {
                throw new InvalidOperationException(
                    $"{map.Target}: the duplicate rule on ({string.Join(", ", rule.Columns)}) needs a unique index on exactly those target columns.");
            }

            compiled = new CompiledSpec
            {
                Map = compiled.Map, Source = compiled.Source, Target = compiled.Target, SelectList = compiled.SelectList, From = compiled.From,
                Filter = compiled.Filter, LegacyOrdinal = compiled.LegacyOrdinal, RowKeyOrdinal = compiled.RowKeyOrdinal, EntityType = compiled.EntityType, Columns = compiled.Columns,
                References = compiled.References, Polymorphics = compiled.Polymorphics, Rejects = compiled.Rejects, CopyIn = compiled.CopyIn,
                Duplicates = rule.Policy == DuplicatePolicy.Fail ? null : DuplicateSql.Plan(compiled, rule, controlSchema),
            };
        }

        return compiled;
    }

    private sealed class Builder(MappingSpec spec, TableMap map, NpgsqlConnection source, IReadOnlyList<string> keyColumns)
    {
        private readonly List<string> _select = [];
        private readonly Dictionary<QualifiedName, string?> _keys = [];
        private readonly HashSet<string> _lookupNames = new(StringComparer.Ordinal);
        private List<(string Name, string Type)> _sourceColumns = [];

        public async Task LoadAsync(CancellationToken cancellationToken)
        {
            _sourceColumns = await SpecCatalog.SourceColumnsAsync(source, map.Source, cancellationToken);
            var tables = new HashSet<QualifiedName> { map.Source };
            foreach (var lookup in map.Lookups)
            {
                tables.Add(lookup.Table);
                _lookupNames.Add(lookup.Name);
            }

            foreach (var other in spec.Tables)
            {
                tables.Add(other.Source);
            }

            foreach (var table in tables)
            {
                _keys[table] = await SpecCatalog.PrimaryKeyAsync(source, table, cancellationToken);
            }
        }

        public Task<CompiledSpec> BuildAsync(Dictionary<string, TargetColumnType> targetColumns, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var columns = new List<SpecTargetColumn>();
            var rejects = new List<RejectCheck>();
            TargetColumnType Target(string column) => targetColumns.TryGetValue(column, out var type)
                ? type
                : throw new InvalidOperationException($"Target table {map.Target} has no column \"{column}\".");

            int? legacyOrdinal = null;
            if (map.RemapsKeys)
            {
                var key = map.Key!;
                var keyColumn = key.SourceColumn ?? KeyOf(map.Source);
                legacyOrdinal = Add(Column(keyColumn));
                columns.Add(new NewIdColumn(key.TargetColumn));
                if (key.LegacyIdColumn is { } legacyColumn)
                {
                    var type = Target(legacyColumn);
                    columns.Add(new ValueColumn(legacyColumn, type.DataTypeName, Add($"({Column(keyColumn)})::{type.SourceCastType}")));
                }
            }

            foreach (var column in map.Columns)
            {
                var type = Target(column.Target);
                var (value, reject) = ValueExpression(column, type);
                columns.Add(new ValueColumn(column.Target, type.DataTypeName, Add(value)));
                if (reject is not null)
                {
                    var flag = Add(reject.Value.Flag);
                    rejects.Add(new RejectCheck(column.Target, column.Source ?? "", flag, Add($"({reject.Value.ValueText})::text"), reject.Value.Why));
                }
            }

            // The row's source key as text, to name the row when a policy lists it or fails on it.
            var rowKeyOrdinal = Add(keyColumns.Count == 0 ? "s.ctid::text"
                : keyColumns.Count == 1 ? $"({Column(keyColumns[0])})::text"
                : $"concat_ws(',', {string.Join(", ", keyColumns.Select(k => Column(k) + "::text"))})");

            var references = new List<ReferenceSlot>();
            foreach (var reference in map.References)
            {
                var type = Target(reference.TargetColumn);
                // Null: no table of the spec produces the parent (left out of the migration; the missing-parents
                // decision was taken): the parent's presence is looked up per page in migration_mappings.
                var parent = spec.FindByEntityType(reference.EntityType);
                var value = Column(reference.SourceColumn);
                var valueOrdinal = Add(value);
                var orphanOrdinal = Add(parent is null ? "false" : $"({value} IS NOT NULL AND NOT {Migrated(parent, value, [map.EntityType])})");
                columns.Add(new ReferenceColumn(reference.TargetColumn, type.DataTypeName, references.Count));
                references.Add(new ReferenceSlot(reference.SourceColumn, reference.TargetColumn, valueOrdinal, orphanOrdinal,
                    reference.EntityType, parent?.RemapsKeys ?? true, reference.OnOrphan)
                {
                    ParentMerges = parent?.Duplicates is { Policy: not DuplicatePolicy.Fail },
                    External = parent is null,
                    CheckMapped = parent is null || (parent.RemapsKeys && parent.EntityType != map.EntityType && KeptOutWithLeftOutParent(parent, [map.EntityType])),
                });
            }

            var polymorphics = new List<PolymorphicSlot>();
            foreach (var polymorphic in map.PolymorphicReferences)
            {
                var typeValue = $"({Column(polymorphic.TypeColumn)})::text";
                var id = Column(polymorphic.IdColumn);
                var typeOrdinal = Add(typeValue);
                var idOrdinal = Add(id);
                var types = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
                var cases = new StringBuilder();
                foreach (var entry in polymorphic.Types)
                {
                    var parent = Parent(entry.EntityType, $"{map.Target} polymorphic {polymorphic.TypeColumn}/{polymorphic.IdColumn}");
                    types[entry.TypeValue] = (entry.EntityType, parent?.RemapsKeys ?? true);
                    cases.Append(CultureInfo.InvariantCulture, $" WHEN {SqlLiteral.Quote(entry.TypeValue)} THEN {(parent is null ? "true" : Migrated(parent, id, [map.EntityType]))}");
                }

                var known = cases.Length == 0 ? "false" : $"CASE {typeValue}{cases} ELSE false END";
                var orphanOrdinal = Add($"({Column(polymorphic.TypeColumn)} IS NOT NULL AND {id} IS NOT NULL AND NOT coalesce({known}, false))");
                var index = polymorphics.Count;
                var checkedEntities = polymorphic.Types.Select(t => spec.FindByEntityType(t.EntityType))
                    .Where(p => p is { RemapsKeys: true } && p.EntityType != map.EntityType && KeptOutWithLeftOutParent(p, [map.EntityType]))
                    .Select(p => p!.EntityType).ToHashSet(StringComparer.Ordinal);
                polymorphics.Add(new PolymorphicSlot(polymorphic, typeOrdinal, idOrdinal, orphanOrdinal, types) { CheckedEntities = checkedEntities });
                var perColumn = polymorphic.Types.Where(t => t.TargetColumn is not null)
                    .GroupBy(t => t.TargetColumn!, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(t => types[t.TypeValue].Item1).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
                if (polymorphic.TargetColumn is { } shared)
                {
                    var typed = polymorphic.Types.Where(t => t.TargetColumn is null).Select(t => types[t.TypeValue].Item1).ToHashSet(StringComparer.Ordinal);
                    columns.Add(new PolymorphicColumn(shared, Target(shared).DataTypeName, index, perColumn.Count == 0 ? null : typed, false));
                }

                foreach (var (column, entities) in perColumn.Where(p => p.Key != polymorphic.TargetColumn))
                {
                    columns.Add(new PolymorphicColumn(column, Target(column).DataTypeName, index, entities, false));
                }

                if (polymorphic.TypeTargetColumn is { } typeColumn)
                {
                    columns.Add(new PolymorphicColumn(typeColumn, Target(typeColumn).DataTypeName, index, null, true));
                }
            }

            if (map.Leftovers is { } leftovers)
            {
                var type = Target(leftovers.TargetColumn);
                var folded = leftovers.Resolve(map, _sourceColumns.Select(c => c.Name));
                columns.Add(new ValueColumn(leftovers.TargetColumn, type.DataTypeName, Add($"({Leftovers(folded)})::{type.SourceCastType}")));
            }

            var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidOperationException($"{map.Target}: the spec writes column \"{duplicate.Key}\" more than once.");
            }

            var list = string.Join(", ", columns.Select(c => QualifiedName.QuoteIdentifier(c.Name)));
            return Task.FromResult(new CompiledSpec
            {
                Map = map,
                Source = map.Source,
                Target = map.Target,
                SelectList = string.Join(", ", _select.Select((e, i) => $"{e} AS \"__c{i.ToString(CultureInfo.InvariantCulture)}\"")),
                From = FromClause(),
                Filter = map.Filter,
                LegacyOrdinal = legacyOrdinal,
                RowKeyOrdinal = rowKeyOrdinal,
                EntityType = map.EntityType,
                Columns = columns,
                References = references,
                Polymorphics = polymorphics,
                Rejects = rejects,
                CopyIn = $"COPY {map.Target.Quoted} ({list}) FROM STDIN (FORMAT binary)",
            });
        }

        private int Add(string expression)
        {
            _select.Add(expression);
            return _select.Count - 1;
        }

        private string KeyOf(QualifiedName table) =>
            _keys.TryGetValue(table, out var key) && key is not null
                ? key
                : throw new InvalidOperationException($"Source table {table} has no single-column primary key; name the key column in the spec.");

        /// <summary>A source column (or lookup) of the current row.</summary>
        private string Column(string name)
        {
            if (!_lookupNames.Contains(name) && !_sourceColumns.Exists(c => c.Name == name))
            {
                throw new InvalidOperationException($"Source table {map.Source} has no column \"{name}\".");
            }

            return "s." + QualifiedName.QuoteIdentifier(name);
        }

        /// <summary>
        /// Whether rows of <paramref name="table"/> may be kept out because a parent of theirs is produced by no table
        /// of the spec (a skip-and-list reference to a left-out entity, directly or through its parents).
        /// </summary>
        private bool KeptOutWithLeftOutParent(TableMap table, HashSet<string> visited)
        {
            var next = new HashSet<string>(visited, StringComparer.Ordinal) { table.EntityType };
            var parents = table.References.Where(r => r.OnOrphan == OrphanPolicy.SkipAndList).Select(r => r.EntityType)
                .Concat(table.PolymorphicReferences.Where(p => p.OnOrphan == OrphanPolicy.SkipAndList).SelectMany(p => p.Types.Select(t => t.EntityType)));
            foreach (var entity in parents.Where(e => !next.Contains(e)))
            {
                if (spec.FindByEntityType(entity) is not { } parent || KeptOutWithLeftOutParent(parent, next))
                {
                    return true;
                }
            }

            return false;
        }

        private TableMap? Parent(string entityType, string where) =>
            spec.FindByEntityType(entityType)
            ?? throw new MissingParentException(entityType, where);

        /// <summary>
        /// True when the row of <paramref name="parent"/> with legacy id <paramref name="value"/> will be in the target
        /// (exists, passes its filter and value map checks, and its skip-orphan references are not orphans).
        /// </summary>
        private string Migrated(TableMap parent, string value, HashSet<string> visited)
        {
            var alias = "p" + visited.Count.ToString(CultureInfo.InvariantCulture);
            var key = parent.Key?.SourceColumn ?? KeyOf(parent.Source);
            var conditions = new List<string> { $"{alias}.{QualifiedName.QuoteIdentifier(key)} = {value}" };
            if (parent.Filter is { } filter)
            {
                conditions.Add($"({filter})");
            }

            foreach (var column in parent.Columns.Where(c => c.Transform == ColumnTransform.ValueMap && c.Else == ValueMapElse.Reject && c.Source is not null
                && !parent.Lookups.Any(l => l.Name == c.Source)))
            {
                var source = $"{alias}.{QualifiedName.QuoteIdentifier(column.Source!)}";
                conditions.Add($"NOT {NotListed(source, column.Values)}");
            }

            var next = new HashSet<string>(visited, StringComparer.Ordinal) { parent.EntityType };
            foreach (var reference in parent.References.Where(r => r.OnOrphan == OrphanPolicy.SkipAndList && !next.Contains(r.EntityType)))
            {
                if (spec.FindByEntityType(reference.EntityType) is { } grandParent)
                {
                    var fk = $"{alias}.{QualifiedName.QuoteIdentifier(reference.SourceColumn)}";
                    conditions.Add($"({fk} IS NULL OR {Migrated(grandParent, fk, next)})");
                }
            }

            return $"EXISTS (SELECT 1 FROM {parent.Source.Quoted} {alias} WHERE {string.Join(" AND ", conditions)})";
        }

        private static string NotListed(string source, IReadOnlyDictionary<string, string?>? values) =>
            values is null || values.Count == 0
                ? $"({source} IS NOT NULL)"
                : $"({source} IS NOT NULL AND ({source})::text NOT IN ({string.Join(", ", values.Keys.Select(SqlLiteral.Quote))}))";

        private (string Value, (string Flag, string ValueText, string Why)? Reject) ValueExpression(ColumnMap column, TargetColumnType type)
        {
            var cast = type.SourceCastType;
            string? Default() => column.DefaultValue is null ? null : $"{SqlLiteral.Quote(column.DefaultValue)}::{cast}";
            string WithDefault(string expression) => Default() is { } d ? $"coalesce({expression}, {d})" : expression;

            switch (column.Transform)
            {
                case ColumnTransform.Copy:
                    return (WithDefault(column.Source is null ? $"NULL::{cast}" : $"({Column(column.Source)})::{cast}"), null);
                case ColumnTransform.Expression:
                    return (WithDefault($"({column.Expression ?? throw new InvalidOperationException($"{map.Target}.{column.Target}: an expression transform needs an expression.")})::{cast}"), null);
                case ColumnTransform.Concat:
                {
                    var parts = column.Columns.Select(Column).ToList();
                    var joined = $"CASE WHEN num_nonnulls({string.Join(", ", parts)}) = 0 THEN NULL ELSE concat_ws({SqlLiteral.Quote(column.Separator ?? "")}, {string.Join(", ", parts.Select(p => p + "::text"))}) END";
                    return (WithDefault($"({joined})::{cast}"), null);
                }

                case ColumnTransform.Split:
                {
                    var source = Column(Required(column.Source, column));
                    var part = $"nullif(split_part(({source})::text, {SqlLiteral.Quote(column.Separator ?? throw new InvalidOperationException($"{map.Target}.{column.Target}: a split needs a separator."))}, {column.Part.ToString(CultureInfo.InvariantCulture)}), '')";
                    return (WithDefault($"({part})::{cast}"), null);
                }

                case ColumnTransform.ValueMap:
                {
                    var source = Column(Required(column.Source, column));
                    var text = new StringBuilder($"CASE WHEN {source} IS NULL THEN NULL");
                    foreach (var (from, to) in column.Values ?? new Dictionary<string, string?>())
                    {
                        text.Append(CultureInfo.InvariantCulture, $" WHEN ({source})::text = {SqlLiteral.Quote(from)} THEN {(to is null ? "NULL" : SqlLiteral.Quote(to))}");
                    }

                    text.Append(column.Else switch
                    {
                        ValueMapElse.Keep => $" ELSE ({source})::text END",
                        ValueMapElse.Default => $" ELSE {(column.DefaultValue is null ? "NULL" : SqlLiteral.Quote(column.DefaultValue))} END",
                        _ => " ELSE NULL END",
                    });
                    var reject = column.Else == ValueMapElse.Reject
                        ? (NotListed(source, column.Values), source, $"value not in the value map of {column.Target}")
                        : ((string, string, string)?)null;
                    return (WithDefault($"({text})::{cast}"), reject);
                }

                case ColumnTransform.Cast:
                {
                    var source = Column(Required(column.Source, column));
                    var castType = column.CastType ?? cast;
                    if (column.OnCastFailure is not { } onFailure)
                    {
                        return (WithDefault($"(({source})::{castType})::{cast}"), null);
                    }

                    var valid = ValidText($"btrim(({source})::text)", castType)
                        ?? throw new InvalidOperationException($"{map.Target}.{column.Target}: a cast failure rule is supported for integer, numeric, boolean, uuid and date types, not {castType}.");
                    var failed = onFailure == CastFailurePolicy.Default && column.DefaultValue is not null ? SqlLiteral.Quote(column.DefaultValue) + "::" + castType : "NULL";
                    var guarded = $"CASE WHEN {source} IS NULL THEN NULL WHEN {valid} THEN ({source})::text::{castType} ELSE {failed} END";
                    var reject = onFailure == CastFailurePolicy.Reject
                        ? ($"({source} IS NOT NULL AND NOT {valid})", source, $"value does not convert to {castType}")
                        : ((string, string, string)?)null;
                    return (WithDefault($"({guarded})::{cast}"), reject);
                }

                default:
                    throw new InvalidOperationException($"{map.Target}.{column.Target}: unknown transform {column.Transform}.");
            }
        }

        private string Required(string? source, ColumnMap column) =>
            source ?? throw new InvalidOperationException($"{map.Target}.{column.Target}: a {column.Transform} transform needs a source column.");

        /// <summary>A test that text converts to <paramref name="type"/> (the cast types the failure rules support).</summary>
        private static string? ValidText(string text, string type) => type.ToLowerInvariant() switch
        {
            "smallint" or "int2" => $"({text} ~ '^[-+]?[0-9]{{1,4}}$')",
            "integer" or "int" or "int4" => $"({text} ~ '^[-+]?[0-9]{{1,9}}$')",
            "bigint" or "int8" => $"({text} ~ '^[-+]?[0-9]{{1,18}}$')",
            var t when t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal) || t is "real" or "double precision" or "float8" or "float4"
                => $"({text} ~ '^[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$')",
            "boolean" or "bool" => $"(lower({text}) IN ('t', 'true', 'y', 'yes', 'on', '1', 'f', 'false', 'n', 'no', 'off', '0'))",
            "uuid" => $"({text} ~* '^[0-9a-f]{{8}}-?[0-9a-f]{{4}}-?[0-9a-f]{{4}}-?[0-9a-f]{{4}}-?[0-9a-f]{{12}}$')",
            "date" => $"({text} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$')",
            _ => null,
        };

        private string Leftovers(IReadOnlyList<string> columns)
        {
            if (columns.Count == 0)
            {
                return "'{}'::jsonb";
            }

            // jsonb_build_object takes at most 100 arguments: 50 pairs per call, joined with ||.
            var parts = columns.Chunk(50).Select(chunk =>
                $"jsonb_build_object({string.Join(", ", chunk.Select(c => $"{SqlLiteral.Quote(c)}, {Column(c)}"))})");
            return $"jsonb_strip_nulls({string.Join(" || ", parts)})";
        }

        private string FromClause()
        {
            if (map.Lookups.Count == 0)
            {
                return $"{map.Source.Quoted} s";
            }

            var select = new StringBuilder(keyColumns.Count > 0 ? "SELECT s.*" : "SELECT s.*, s.ctid AS ctid");
            var joins = new StringBuilder();
            var aliases = new Dictionary<string, (string Alias, string Value)>(StringComparer.Ordinal);
            var pending = map.Lookups.ToList();
            var n = 0;
            while (pending.Count > 0)
            {
                var ready = pending.FirstOrDefault(l => !_lookupNames.Contains(l.SourceColumn) || aliases.ContainsKey(l.SourceColumn))
                    ?? throw new InvalidOperationException($"{map.Target}: the lookups {string.Join(", ", pending.Select(l => l.Name))} depend on each other in a cycle.");
                pending.Remove(ready);
                var alias = "l" + (n++).ToString(CultureInfo.InvariantCulture);
                var on = aliases.TryGetValue(ready.SourceColumn, out var previous)
                    ? $"{previous.Alias}.{QualifiedName.QuoteIdentifier(previous.Value)}"
                    : "s." + QualifiedName.QuoteIdentifier(ready.SourceColumn);
                var key = ready.KeyColumn ?? KeyOf(ready.Table);
                joins.Append(CultureInfo.InvariantCulture, $" LEFT JOIN {ready.Table.Quoted} {alias} ON {alias}.{QualifiedName.QuoteIdentifier(key)} = {on}");
                select.Append(CultureInfo.InvariantCulture, $", {alias}.{QualifiedName.QuoteIdentifier(ready.ValueColumn)} AS {QualifiedName.QuoteIdentifier(ready.Name)}");
                aliases[ready.Name] = (alias, ready.ValueColumn);
            }

            return $"({select} FROM {map.Source.Quoted} s{joins}) s";
        }
    }
}
