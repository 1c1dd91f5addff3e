using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// Checks a <see cref="MappingSpec"/> against the source and target catalogs before anything runs: unknown tables and
/// columns, transforms the types do not allow, enum values the target does not have, required target columns nothing
/// fills, narrowing casts, cyclic lookups, references to entity types nothing produces (a warning when the source has
/// the entity's table: see <see cref="Planning.MappedMissingParents"/>), duplicate targets. Every
/// finding names the JSON path of the offending field. SQL inside the spec (filters, expressions) is checked against
/// the live source by <see cref="Abstractions.IMappingProbe"/>.
/// </summary>
public static class MappingValidator
{
    public static MappingValidationResult Validate(MappingSpec spec, DatabaseCatalog source, DatabaseCatalog target)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var issues = new List<MappingIssue>();
        if (spec.Version != MappingSpec.CurrentVersion)
        {
            issues.Add(Error("version", $"Unsupported format version {spec.Version}; the current version is {MappingSpec.CurrentVersion}.", "version"));
        }

        if (spec.Tables is null || spec.Tables.Count == 0)
        {
            issues.Add(Error("tables", "The specification maps no tables.", "empty"));
            return new MappingValidationResult(issues);
        }

        var producers = new Dictionary<string, (int Index, TableMap Table)>(StringComparer.Ordinal);
        var targets = new Dictionary<QualifiedName, int>();
        var sources = new Dictionary<QualifiedName, int>();
        for (var i = 0; i < spec.Tables.Count; i++)
        {
            var table = spec.Tables[i];
            if (targets.TryGetValue(table.Target, out var other))
            {
                issues.Add(Error($"tables[{i}].target", $"{table.Target} is already the target of tables[{other}]; each target table is mapped once.", "duplicate-target"));
            }
            else
            {
                targets[table.Target] = i;
            }

            if (sources.TryGetValue(table.Source, out other))
            {
                issues.Add(Error($"tables[{i}].source", $"{table.Source} is already the source of tables[{other}]; a source table feeds one target table.", "duplicate-source"));
            }
            else
            {
                sources[table.Source] = i;
            }

            if (producers.TryGetValue(table.EntityType, out var producer))
            {
                issues.Add(Error(table.Key?.EntityType is null ? $"tables[{i}].target" : $"tables[{i}].key.entityType",
                    $"Entity type \"{table.EntityType}\" is already produced by tables[{producer.Index}]; entity types must be unique.", "duplicate-entity-type"));
            }
            else
            {
                producers[table.EntityType] = (i, table);
            }
        }

        for (var i = 0; i < spec.Tables.Count; i++)
        {
            new TableValidator(spec, spec.Tables[i], $"tables[{i}]", source, target, producers, issues).Run();
        }

        return new MappingValidationResult(issues);
    }

    internal static MappingIssue Error(string path, string message, string kind) => new(MappingIssueSeverity.Error, path, message, kind);

    internal static MappingIssue Warning(string path, string message, string kind) => new(MappingIssueSeverity.Warning, path, message, kind);

    internal static MappingIssue Info(string path, string message, string kind) => new(MappingIssueSeverity.Info, path, message, kind);

    private sealed class TableValidator(
        MappingSpec spec,
        TableMap map,
        string path,
        DatabaseCatalog sourceCatalog,
        DatabaseCatalog targetCatalog,
        Dictionary<string, (int Index, TableMap Table)> producers,
        List<MappingIssue> issues)
    {
        private readonly TableInfo? _source = sourceCatalog.FindTable(map.Source);
        private readonly TableInfo? _target = targetCatalog.FindTable(map.Target);
        private readonly Dictionary<string, string> _lookupTypes = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

        public void Run()
        {
            if (_source is null)
            {
                issues.Add(Error($"{path}.source", $"The source has no table {map.Source}.", "unknown-table"));
            }

            if (_target is null)
            {
                issues.Add(Error($"{path}.target", $"The target has no table {map.Target}; create the target schema before mapping onto it.", "unknown-table"));
            }

            if (map.Filter is not null && string.IsNullOrWhiteSpace(map.Filter))
            {
                issues.Add(Error($"{path}.filter", "The row filter is empty; leave it out to migrate every row.", "empty"));
            }
            else if (map.Filter is { } filter && SqlExpressionGuard.Check(filter, "row filter") is { } unsafeFilter)
            {
                issues.Add(Error($"{path}.filter", unsafeFilter, "unsafe-sql"));
            }

            CheckLookups();
            CheckKey();
            for (var j = 0; j < map.Columns.Count; j++)
            {
                CheckColumn(map.Columns[j], $"{path}.columns[{j}]");
            }

            for (var j = 0; j < map.References.Count; j++)
            {
                CheckReference(map.References[j], $"{path}.references[{j}]");
            }

            for (var j = 0; j < map.PolymorphicReferences.Count; j++)
            {
                CheckPolymorphic(map.PolymorphicReferences[j], $"{path}.polymorphicReferences[{j}]");
            }

            CheckLeftovers();
            CheckDuplicates();
            CheckRequiredTargetColumns();
        }

        private void CheckLookups()
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < map.Lookups.Count; j++)
            {
                var lookup = map.Lookups[j];
                var at = $"{path}.lookups[{j}]";
                if (string.IsNullOrWhiteSpace(lookup.Name))
                {
                    issues.Add(Error($"{at}.name", "A lookup needs a name to be used under.", "empty"));
                    continue;
                }

                if (_source?.FindColumn(lookup.Name) is not null)
                {
                    issues.Add(Error($"{at}.name", $"\"{lookup.Name}\" is already a column of {map.Source}; give the lookup another name.", "name-clash"));
                }

                if (!names.TryAdd(lookup.Name, j))
                {
                    issues.Add(Error($"{at}.name", $"Another lookup of this table is already called \"{lookup.Name}\".", "name-clash"));
                }

                var table = sourceCatalog.FindTable(lookup.Table);
                if (table is null)
                {
                    issues.Add(Error($"{at}.table", $"The source has no table {lookup.Table}.", "unknown-table"));
                    continue;
                }

                if (table.FindColumn(lookup.ValueColumn) is { } value)
                {
                    _lookupTypes[lookup.Name] = value.DataType;
                }
                else
                {
                    issues.Add(Error($"{at}.valueColumn", $"{lookup.Table} has no column \"{lookup.ValueColumn}\".", "unknown-column"));
                }

                if (lookup.KeyColumn is not null && table.FindColumn(lookup.KeyColumn) is null)
                {
                    issues.Add(Error($"{at}.keyColumn", $"{lookup.Table} has no column \"{lookup.KeyColumn}\".", "unknown-column"));
                }
                else if (lookup.KeyColumn is null && table.PrimaryKey is not { Columns.Count: 1 })
                {
                    issues.Add(Error($"{at}.keyColumn", $"{lookup.Table} has no single-column primary key; name the key column to join on.", "missing-key"));
                }
            }

            for (var j = 0; j < map.Lookups.Count; j++)
            {
                var lookup = map.Lookups[j];
                var at = $"{path}.lookups[{j}].sourceColumn";
                if (_source is not null && _source.FindColumn(lookup.SourceColumn) is null && !names.ContainsKey(lookup.SourceColumn))
                {
                    issues.Add(Error(at, $"{map.Source} has no column (or lookup) \"{lookup.SourceColumn}\".", "unknown-column"));
                    continue;
                }

                // Follow the chain of lookups feeding this one; coming back to it is a cycle.
                var seen = new List<string> { lookup.Name };
                var next = lookup.SourceColumn;
                while (names.TryGetValue(next, out var feeding) && _source?.FindColumn(next) is null)
                {
                    if (seen.Contains(next, StringComparer.Ordinal))
                    {
                        issues.Add(Error(at, $"The lookups form a cycle: {string.Join(" ← ", seen)} ← {next}; a lookup cannot depend on itself.", "cyclic-lookup"));
                        break;
                    }

                    seen.Add(next);
                    next = map.Lookups[feeding].SourceColumn;
                }
            }
        }

        private void CheckKey()
        {
            if (map.Key is not { Strategy: KeyStrategy.NewUuid } key)
            {
                return;
            }

            var at = $"{path}.key";
            if (key.SourceColumn is not null)
            {
                SourceType(key.SourceColumn, $"{at}.sourceColumn");
            }
            else if (_source is not null && _source.PrimaryKey is not { Columns.Count: 1 })
            {
                issues.Add(Error($"{at}.sourceColumn", $"{map.Source} has no single-column primary key; name the column that holds the legacy id.", "missing-key"));
            }

            if (key.EntityType is not null && string.IsNullOrWhiteSpace(key.EntityType))
            {
                issues.Add(Error($"{at}.entityType", "The entity type name is empty; leave it out to use the target table's name.", "empty"));
            }

            if (TargetColumn(key.TargetColumn, $"{at}.targetColumn") is { } column
                && PostgresTypes.Categorize(column.DataType, targetCatalog) != TypeCategory.Uuid)
            {
                issues.Add(Error($"{at}.targetColumn", $"The new key goes into \"{key.TargetColumn}\", which is {column.DataType}, not uuid.", "type-mismatch"));
            }

            if (key.LegacyIdColumn is not null && TargetColumn(key.LegacyIdColumn, $"{at}.legacyIdColumn") is { } legacy
                && _source is not null && (key.SourceColumn ?? _source.PrimaryKey?.Columns.FirstOrDefault()) is { } keyName
                && _source.FindColumn(keyName) is { } keyColumn
                && !PostgresTypes.IsSafeAssignment(keyColumn.DataType, legacy.DataType, sourceCatalog, targetCatalog)
                && PostgresTypes.Categorize(legacy.DataType, targetCatalog) != TypeCategory.Text)
            {
                issues.Add(Error($"{at}.legacyIdColumn", $"The legacy id ({keyColumn.DataType}) does not fit \"{key.LegacyIdColumn}\" ({legacy.DataType}).", "type-mismatch"));
            }
        }

        private void CheckColumn(ColumnMap column, string at)
        {
            var target = TargetColumn(column.Target, $"{at}.target");
            if (target is { IsGenerated: true })
            {
                issues.Add(Error($"{at}.target", $"\"{column.Target}\" is computed by the target (generated column) and cannot be written.", "generated-column"));
                target = null;
            }

            var targetType = target?.DataType;
            var targetEnum = targetType is null ? null : PostgresTypes.FindEnum(targetType, targetCatalog);
            string? sourceType = null;
            switch (column.Transform)
            {
                case ColumnTransform.Copy:
                    if (column.Source is null)
                    {
                        if (column.DefaultValue is null)
                        {
                            issues.Add(Error($"{at}.source", $"\"{column.Target}\" has neither a source column nor a default value.", "no-source"));
                        }

                        break;
                    }

                    sourceType = SourceType(column.Source, $"{at}.source");
                    if (sourceType is not null && targetType is not null
                        && !PostgresTypes.IsSafeAssignment(sourceType, targetType, sourceCatalog, targetCatalog))
                    {
                        var fix = targetEnum is not null ? "use a valueMap onto its labels" : "use a cast with an onCastFailure rule";
                        var narrowing = PostgresTypes.Categorize(sourceType, sourceCatalog) == PostgresTypes.Categorize(targetType, targetCatalog)
                            && PostgresTypes.IsNarrowing(sourceType, targetType);
                        issues.Add(narrowing
                            ? Warning($"{at}.source", $"Copying {sourceType} into {targetType} narrows the value; values that do not fit fail their row. Make it a cast with an onCastFailure rule to decide what happens.", "narrowing-cast")
                            : Error($"{at}.transform", $"\"{column.Source}\" ({sourceType}) cannot be copied into \"{column.Target}\" ({targetType}) as it is: {fix}.", "type-mismatch"));
                    }

                    break;
                case ColumnTransform.Cast:
                    sourceType = Required(column.Source, $"{at}.source", "A cast needs a source column.") is { } castSource ? SourceType(castSource, $"{at}.source") : null;
                    var castType = column.CastType ?? targetType;
                    if (column.CastType is not null && string.IsNullOrWhiteSpace(column.CastType))
                    {
                        issues.Add(Error($"{at}.castType", "The cast type is empty; leave it out to cast to the target column's type.", "empty"));
                        break;
                    }

                    if (sourceType is null || castType is null)
                    {
                        break;
                    }

                    if (PostgresTypes.CastCanFail(sourceType, castType, sourceCatalog, targetCatalog) && column.OnCastFailure is null)
                    {
                        var narrowing = PostgresTypes.Categorize(sourceType, sourceCatalog) == PostgresTypes.Categorize(castType, targetCatalog);
                        issues.Add(narrowing
                            ? Warning($"{at}.onCastFailure", $"Casting {sourceType} to {castType} narrows the value and has no rule for values that do not fit: set onCastFailure (reject, null or default).", "narrowing-cast")
                            : Error($"{at}.onCastFailure", $"Casting {sourceType} to {castType} can fail for some values and has no rule: set onCastFailure (reject, null or default).", "cast-without-rule"));
                    }

                    if (targetType is not null && !string.Equals(castType, targetType, StringComparison.Ordinal)
                        && !PostgresTypes.IsSafeAssignment(castType, targetType, targetCatalog, targetCatalog)
                        && PostgresTypes.Categorize(castType, targetCatalog) != PostgresTypes.Categorize(targetType, targetCatalog))
                    {
                        issues.Add(Error($"{at}.castType", $"The cast produces {castType}, which \"{column.Target}\" ({targetType}) does not accept.", "type-mismatch"));
                    }

                    if (column.OnCastFailure == CastFailurePolicy.Default && column.DefaultValue is null)
                    {
                        issues.Add(Error($"{at}.defaultValue", "onCastFailure is \"default\" but no defaultValue is given.", "missing-default"));
                    }

                    break;
                case ColumnTransform.ValueMap:
                    if (Required(column.Source, $"{at}.source", "A value map needs a source column.") is { } mapSource)
                    {
                        sourceType = SourceType(mapSource, $"{at}.source");
                    }

                    if (column.Values is null || column.Values.Count == 0)
                    {
                        issues.Add(Error($"{at}.values", "A value map needs at least one value.", "empty"));
                    }
                    else if (targetEnum is not null)
                    {
                        foreach (var (from, to) in column.Values)
                        {
                            if (to is not null && !targetEnum.Labels.Contains(to, StringComparer.Ordinal))
                            {
                                issues.Add(Error($"{at}.values[\"{from}\"]", $"\"{to}\" is not a value of the target type {targetEnum.Name} ({string.Join(", ", targetEnum.Labels)}).", "unknown-enum-value"));
                            }
                        }
                    }

                    if (column.Else == ValueMapElse.Default && column.DefaultValue is null)
                    {
                        issues.Add(Error($"{at}.defaultValue", "else is \"default\" but no defaultValue is given.", "missing-default"));
                    }

                    if (column.Else == ValueMapElse.Keep && sourceType is not null && targetEnum is not null)
                    {
                        issues.Add(Warning($"{at}.else", $"Unlisted values are kept as they are, but \"{column.Target}\" only accepts {string.Join(", ", targetEnum.Labels)}; such rows will fail.", "enum-keep"));
                    }

                    break;
                case ColumnTransform.Expression:
                    if (string.IsNullOrWhiteSpace(column.Expression))
                    {
                        issues.Add(Error($"{at}.expression", "An expression transform needs an expression.", "empty"));
                    }
                    else if (SqlExpressionGuard.Check(column.Expression, "expression") is { } unsafeExpression)
                    {
                        issues.Add(Error($"{at}.expression", unsafeExpression, "unsafe-sql"));
                    }

                    break;
                case ColumnTransform.Concat:
                    if (column.Columns.Count == 0)
                    {
                        issues.Add(Error($"{at}.columns", "Concatenate needs at least one source column.", "empty"));
                    }

                    for (var k = 0; k < column.Columns.Count; k++)
                    {
                        SourceType(column.Columns[k], $"{at}.columns[{k}]");
                    }

                    RequireTextTarget(targetType, at, "Concatenate");
                    break;
                case ColumnTransform.Split:
                    if (Required(column.Source, $"{at}.source", "Split needs a source column.") is { } splitSource)
                    {
                        SourceType(splitSource, $"{at}.source");
                    }

                    if (string.IsNullOrEmpty(column.Separator))
                    {
                        issues.Add(Error($"{at}.separator", "Split needs a separator.", "empty"));
                    }

                    if (column.Part < 1)
                    {
                        issues.Add(Error($"{at}.part", $"Split takes part 1, 2, ... (1-based); {column.Part} is not a part.", "out-of-range"));
                    }

                    RequireTextTarget(targetType, at, "Split");
                    break;
            }

            if (column.DefaultValue is not null && targetEnum is not null && !targetEnum.Labels.Contains(column.DefaultValue, StringComparer.Ordinal))
            {
                issues.Add(Error($"{at}.defaultValue", $"\"{column.DefaultValue}\" is not a value of the target type {targetEnum.Name} ({string.Join(", ", targetEnum.Labels)}).", "unknown-enum-value"));
            }
        }

        private void RequireTextTarget(string? targetType, string at, string what)
        {
            if (targetType is not null && PostgresTypes.Categorize(targetType, targetCatalog) is not (TypeCategory.Text or TypeCategory.Other))
            {
                issues.Add(Error($"{at}.target", $"{what} produces text, but the target column is {targetType}; use an expression with a cast instead.", "type-mismatch"));
            }
        }

        private void CheckReference(ReferenceMap reference, string at)
        {
            SourceType(reference.SourceColumn, $"{at}.sourceColumn");
            var target = TargetColumn(reference.TargetColumn, $"{at}.targetColumn");
            if (!producers.TryGetValue(reference.EntityType, out var parent))
            {
                if (Planning.MappedMissingParents.Resolve(spec, map, reference, sourceCatalog, targetCatalog) is { } external)
                {
                    // The entity's table exists in the source but is left out of the spec: a decision when the migration is planned.
                    issues.Add(Warning($"{at}.entityType",
                        $"No table of the specification produces entity type \"{reference.EntityType}\"; its source table {external.Source} is left out. " +
                        "Unless the new database already holds those parents, a decision is asked before anything is written: migrate the parents first, create placeholders, skip the rows, or stop.",
                        Planning.MappedMissingParents.IssueKind));
                    if (target is not null && PostgresTypes.Categorize(target.DataType, targetCatalog) != TypeCategory.Uuid)
                    {
                        issues.Add(Error($"{at}.targetColumn", $"\"{reference.TargetColumn}\" is {target.DataType}, but the parents of \"{reference.EntityType}\" are pointed at by their new uuid keys.", "type-mismatch"));
                    }
                }
                else
                {
                    issues.Add(Error($"{at}.entityType", $"No table of the specification produces entity type \"{reference.EntityType}\" (known: {string.Join(", ", producers.Keys.Order(StringComparer.Ordinal))}).", "unknown-entity-type"));
                }
            }
            else if (parent.Table.RemapsKeys && target is not null && PostgresTypes.Categorize(target.DataType, targetCatalog) != TypeCategory.Uuid)
            {
                issues.Add(Error($"{at}.targetColumn", $"\"{reference.TargetColumn}\" is {target.DataType}, but \"{reference.EntityType}\" gets new uuid keys.", "type-mismatch"));
            }

            if (reference.OnOrphan == OrphanPolicy.SetNull && target is { IsNullable: false })
            {
                issues.Add(Error($"{at}.onOrphan", $"Orphans are set to NULL, but \"{reference.TargetColumn}\" is NOT NULL; choose skipAndList or fail.", "not-null"));
            }
        }

        private void CheckPolymorphic(PolymorphicReferenceMap reference, string at)
        {
            SourceType(reference.TypeColumn, $"{at}.typeColumn");
            SourceType(reference.IdColumn, $"{at}.idColumn");
            if (reference.Types.Count == 0)
            {
                issues.Add(Error($"{at}.types", "A polymorphic reference needs at least one type.", "empty"));
            }

            if (reference.TargetColumn is not null)
            {
                RequireUuid(reference.TargetColumn, $"{at}.targetColumn");
            }

            if (reference.TypeTargetColumn is not null)
            {
                TargetColumn(reference.TypeTargetColumn, $"{at}.typeTargetColumn");
            }

            var values = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < reference.Types.Count; k++)
            {
                var type = reference.Types[k];
                if (!values.Add(type.TypeValue))
                {
                    issues.Add(Error($"{at}.types[{k}].typeValue", $"Type value \"{type.TypeValue}\" is listed twice.", "duplicate-value"));
                }

                if (!producers.ContainsKey(type.EntityType))
                {
                    issues.Add(Error($"{at}.types[{k}].entityType", $"No table of the specification produces entity type \"{type.EntityType}\".", "unknown-entity-type"));
                }

                if (type.TargetColumn is not null)
                {
                    RequireUuid(type.TargetColumn, $"{at}.types[{k}].targetColumn");
                }
                else if (reference.TargetColumn is null)
                {
                    issues.Add(Error($"{at}.types[{k}].targetColumn", $"Type \"{type.TypeValue}\" has no target column and the reference has no shared targetColumn.", "no-target"));
                }
            }

            foreach (var column in reference.TargetColumns().Where(c => c != reference.TypeTargetColumn))
            {
                Written(column, at);
            }
        }

        private void RequireUuid(string column, string at)
        {
            if (_target?.FindColumn(column) is { } found && PostgresTypes.Categorize(found.DataType, targetCatalog) != TypeCategory.Uuid)
            {
                issues.Add(Error(at, $"\"{column}\" is {found.DataType}, not uuid.", "type-mismatch"));
            }
            else if (_target is not null && _target.FindColumn(column) is null)
            {
                issues.Add(Error(at, $"{map.Target} has no column \"{column}\".", "unknown-column"));
            }
        }

        private void CheckLeftovers()
        {
            if (map.Leftovers is not { } leftovers)
            {
                return;
            }

            var at = $"{path}.leftovers";
            if (TargetColumn(leftovers.TargetColumn, $"{at}.targetColumn") is { } column
                && PostgresTypes.Categorize(column.DataType, targetCatalog) != TypeCategory.Json)
            {
                issues.Add(Error($"{at}.targetColumn", $"Leftovers are folded into JSON, but \"{leftovers.TargetColumn}\" is {column.DataType}.", "type-mismatch"));
            }

            if (!leftovers.AllUnmapped)
            {
                if (leftovers.Columns.Count == 0)
                {
                    issues.Add(Error($"{at}.columns", "List the source columns to fold in, or set allUnmapped.", "empty"));
                }

                for (var k = 0; k < leftovers.Columns.Count; k++)
                {
                    SourceType(leftovers.Columns[k], $"{at}.columns[{k}]");
                }
            }
        }

        private void CheckDuplicates()
        {
            if (map.Duplicates is not { } rule)
            {
                return;
            }

            if (rule.Columns.Count == 0)
            {
                issues.Add(Error($"{path}.duplicates.columns", "A duplicate rule needs the natural key's columns.", "empty"));
            }

            for (var k = 0; k < rule.Columns.Count; k++)
            {
                if (!_written.ContainsKey(rule.Columns[k]))
                {
                    issues.Add(Error($"{path}.duplicates.columns[{k}]", $"\"{rule.Columns[k]}\" is not a target column this table writes.", "unknown-column"));
                }
            }
        }

        private void CheckRequiredTargetColumns()
        {
            if (_target is null)
            {
                return;
            }

            foreach (var column in _target.Columns.Where(c => !c.IsNullable && c.DefaultExpression is null && c.Identity is null && !c.IsGenerated))
            {
                if (!_written.ContainsKey(column.Name))
                {
                    issues.Add(Error($"{path}.columns", $"The target column \"{column.Name}\" of {map.Target} is required (NOT NULL, no default) but nothing in this mapping fills it.", "required-column"));
                }
            }

            if (_source is null)
            {
                return;
            }

            var read = map.ReadSourceColumns().ToHashSet(StringComparer.Ordinal);
            var folded = map.Leftovers?.Resolve(map, _source.CopyableColumns.Select(c => c.Name)).ToHashSet(StringComparer.Ordinal) ?? [];
            foreach (var column in _source.CopyableColumns.Where(c => !read.Contains(c.Name) && !folded.Contains(c.Name)))
            {
                issues.Add(Info($"{path}.columns", $"The source column \"{column.Name}\" of {map.Source} is not migrated.", "unmapped-column"));
            }
        }

        private string? Required(string? value, string at, string message)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                issues.Add(Error(at, message, "empty"));
                return null;
            }

            return value;
        }

        /// <summary>The type of a source column or lookup name; reports it when unknown.</summary>
        private string? SourceType(string name, string at)
        {
            if (_lookupTypes.TryGetValue(name, out var lookupType))
            {
                return lookupType;
            }

            if (_source is null || map.Lookups.Any(l => l.Name == name))
            {
                return null;
            }

            if (_source.FindColumn(name) is { } column)
            {
                return column.DataType;
            }

            issues.Add(Error(at, $"{map.Source} has no column \"{name}\"{(map.Lookups.Count > 0 ? " (nor a lookup of that name)" : "")}.", "unknown-column"));
            return null;
        }

        /// <summary>The target column; reports it when unknown or already written by another part of the table.</summary>
        private ColumnInfo? TargetColumn(string name, string at)
        {
            Written(name, at);
            if (_target is null)
            {
                return null;
            }

            var column = _target.FindColumn(name);
            if (column is null)
            {
                issues.Add(Error(at, $"{map.Target} has no column \"{name}\".", "unknown-column"));
            }

            return column;
        }

        private void Written(string name, string at)
        {
            if (_written.TryGetValue(name, out var first))
            {
                if (first != at)
                {
                    issues.Add(Error(at, $"\"{name}\" is already written by {first}; each target column gets one value.", "duplicate-target"));
                }
            }
            else
            {
                _written[name] = at;
            }
        }
    }
}
