using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Migration.Postgres.Execution;
using Migration.Postgres.Execution.Mapping;
using Npgsql;

namespace Migration.Postgres.Validation;

/// <summary>
/// Validation of a table migrated through a mapping spec, where content checksums cannot match by design (new ids,
/// transformed values):
/// <list type="number">
/// <item>count reconciliation: source rows = migrated + filtered out + kept out by a policy (orphans, rejected values,
/// duplicates; each counted per page in the copy's transaction) + quarantined as bad rows, each figure listed;</item>
/// <item>referential integrity on the target: every foreign key column and every polymorphic reference points at an
/// existing row;</item>
/// <item>mapping completeness: every migrated row has exactly one migration_mappings row and every mapping a row
/// (and its legacy_id column agrees);</item>
/// <item>a sampled deep compare: sampled source rows are run through the same compiled spec as the copy and
/// compared value by value with the target rows of their new ids (skipped rows must be absent).</item>
/// </list>
/// </summary>
public sealed partial class MappedTableValidator(ILogger logger)
{
    private static readonly string[] PolicyOutcomes = ["orphan_skipped", "rejected", "duplicate_skipped", "duplicate_dropped", "duplicate_updated"];

    /// <summary>Rows compared by the deep compare (a random sample of the source table).</summary>
    public int SampleSize { get; init; } = 200;

    /// <param name="spec">The migration's whole spec: references are judged against the other tables' parts.</param>
    /// <param name="migrationId">The migration whose outcomes count (null: every migration recorded in the control schema).</param>
    public async Task<TableValidation> ValidateAsync(
        string sourceConnectionString,
        string targetConnectionString,
        TablePlan table,
        MappingSpec spec,
        string controlSchema,
        string? migrationId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(spec);
        var map = table.Mapping.Spec ?? throw new ArgumentException($"{table.Table} has no mapping spec.", nameof(table));
        await using var source = new NpgsqlConnection(sourceConnectionString);
        await using var target = new NpgsqlConnection(targetConnectionString);
        await Task.WhenAll(source.OpenAsync(cancellationToken), target.OpenAsync(cancellationToken));
        await target.ReloadTypesAsync(cancellationToken);

        var issues = new List<string>();
        var compiled = await SpecCompiler.CompileAsync(spec, map, table.KeyColumns, source, target, controlSchema, cancellationToken);
        var (sourceRows, filtered) = await SourceCountsAsync(source, map, cancellationToken);
        var targetRows = await ScalarAsync(target, $"SELECT count(*) FROM {map.Target.Quoted}", cancellationToken);
        var (outcomes, quarantined) = await OutcomesAsync(target, controlSchema, migrationId, table.Table.ToString(), cancellationToken);
        var kept = PolicyOutcomes.Sum(o => outcomes.GetValueOrDefault(o));
        if (sourceRows != targetRows + filtered + kept + quarantined)
        {
            var parts = PolicyOutcomes.Where(outcomes.ContainsKey).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Replace('_', ' ')} {outcomes[o]:N0}"));
            issues.Add(string.Create(CultureInfo.InvariantCulture,
                $"rows do not reconcile: source {sourceRows:N0} ≠ migrated {targetRows:N0} + filtered {filtered:N0} + quarantined {quarantined:N0}{string.Concat(parts.Select(p => " + " + p))}"));
        }

        var orphans = await ReferentialIntegrityAsync(target, map, spec, issues, cancellationToken);
        if (map.RemapsKeys)
        {
            await MappingCompletenessAsync(target, map, controlSchema, issues, cancellationToken);
        }

        var (compared, mismatches) = await DeepCompareAsync(source, target, compiled, table, sourceRows, controlSchema, issues, cancellationToken);
        var summary = string.Create(CultureInfo.InvariantCulture, $"mapped: {compared} sampled rows compared");
        var result = new TableValidation(table.Table.ToString(), sourceRows, targetRows, summary,
            mismatches == 0 ? summary : string.Create(CultureInfo.InvariantCulture, $"mapped: {mismatches} of {compared} sampled rows differ"), orphans, issues);
        LogValidated(logger, result.Table, result.Passed, sourceRows, targetRows, filtered, kept, compared);
        return result;
    }

    private static async Task<(long Rows, long Filtered)> SourceCountsAsync(NpgsqlConnection source, TableMap map, CancellationToken cancellationToken)
    {
        var filtered = map.Filter is null ? "0" : $"count(*) FILTER (WHERE NOT coalesce(({map.Filter}), false))";
        await using var command = new NpgsqlCommand($"SELECT count(*), {filtered} FROM {map.Source.Quoted} s", source) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    private static async Task<(Dictionary<string, long> Outcomes, long Quarantined)> OutcomesAsync(
        NpgsqlConnection target, string controlSchema, string? migrationId, string tableName, CancellationToken cancellationToken)
    {
        var schema = QualifiedName.QuoteIdentifier(controlSchema);
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            $"SELECT outcome, sum(rows)::bigint FROM {schema}.mapping_outcomes WHERE ($1::text IS NULL OR migration_id = $1) AND table_name = $2 GROUP BY outcome", target))
        {
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = migrationId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tableName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                outcomes[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // Bad rows the copy quarantined (the policy-listed rows are counted in mapping_outcomes already).
        await using var quarantine = new NpgsqlCommand(
            $"""
            SELECT count(*) FROM {schema}.quarantine
            WHERE ($1::text IS NULL OR migration_id = $1) AND table_name = $2
              AND reason NOT LIKE 'orphan:%' AND reason NOT LIKE 'duplicate:%' AND reason NOT LIKE 'rejected:%'
            """, target);
        quarantine.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = migrationId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        quarantine.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tableName });
        return (outcomes, (long)(await quarantine.ExecuteScalarAsync(cancellationToken))!);
    }

    private static async Task<long> ReferentialIntegrityAsync(NpgsqlConnection target, TableMap map, MappingSpec spec, List<string> issues, CancellationToken cancellationToken)
    {
        long orphans = 0;
        var checks = new List<OrphanCheck>();
        await using (var command = new NpgsqlCommand(ValidationQueries.ForeignKeys, target))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = map.Target.Quoted });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                checks.Add(new OrphanCheck(reader.GetString(0), reader.GetFieldValue<string[]>(3),
                    new QualifiedName(reader.GetString(1), reader.GetString(2)), reader.GetFieldValue<string[]>(4)));
            }
        }

        // The spec's references checked even where the target declares no foreign key (yet).
        foreach (var reference in map.References)
        {
            if (spec.FindByEntityType(reference.EntityType) is { RemapsKeys: true } parent
                && !checks.Exists(c => c.Columns.Count == 1 && c.Columns[0] == reference.TargetColumn))
            {
                checks.Add(new OrphanCheck($"reference {reference.TargetColumn}", [reference.TargetColumn], parent.Target, [parent.Key!.TargetColumn]));
            }
        }

        foreach (var check in checks)
        {
            var count = await ScalarAsync(target, ValidationQueries.Orphans(map.Target, true, check, true), cancellationToken);
            if (count > 0)
            {
                orphans += count;
                issues.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} rows reference a missing {check.ReferencedTable.Name} ({check.Name})"));
            }
        }

        foreach (var polymorphic in map.PolymorphicReferences)
        {
            foreach (var type in polymorphic.Types)
            {
                var column = type.TargetColumn ?? polymorphic.TargetColumn;
                if (column is null || spec.FindByEntityType(type.EntityType) is not { RemapsKeys: true } parent)
                {
                    continue;
                }

                var ofType = polymorphic.TypeTargetColumn is { } typeColumn
                    ? $"c.{QualifiedName.QuoteIdentifier(typeColumn)}::text = {SqlLiteral.Quote(type.EntityType)}"
                    : "true";
                var quoted = QualifiedName.QuoteIdentifier(column);
                var count = await ScalarAsync(target,
                    $"SELECT count(*) FROM {map.Target.Quoted} c WHERE {ofType} AND c.{quoted} IS NOT NULL " +
                    $"AND NOT EXISTS (SELECT 1 FROM {parent.Target.Quoted} p WHERE p.{QualifiedName.QuoteIdentifier(parent.Key!.TargetColumn)} = c.{quoted})"
                    + (polymorphic.TypeTargetColumn is null ? string.Concat(polymorphic.Types.Where(t => t != type && spec.FindByEntityType(t.EntityType) is { RemapsKeys: true })
                        .Select(t => spec.FindByEntityType(t.EntityType)!).Select(o => $" AND NOT EXISTS (SELECT 1 FROM {o.Target.Quoted} p WHERE p.{QualifiedName.QuoteIdentifier(o.Key!.TargetColumn)} = c.{quoted})")) : ""),
                    cancellationToken);
                if (count > 0)
                {
                    orphans += count;
                    issues.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} rows point at a missing {type.EntityType} ({polymorphic.TypeColumn}/{polymorphic.IdColumn})"));
                }
            }
        }

        return orphans;
    }

    private static async Task MappingCompletenessAsync(NpgsqlConnection target, TableMap map, string controlSchema, List<string> issues, CancellationToken cancellationToken)
    {
        var key = map.Key!;
        var id = QualifiedName.QuoteIdentifier(key.TargetColumn);
        var mappings = $"(SELECT * FROM {QualifiedName.QuoteIdentifier(controlSchema)}.migration_mappings WHERE entity_type = {SqlLiteral.Quote(map.EntityType)})";
        var legacyDiffers = key.LegacyIdColumn is { } legacy
            ? $"count(*) FILTER (WHERE t.{id} IS NOT NULL AND m.new_id IS NOT NULL AND m.legacy_id = t.{QualifiedName.QuoteIdentifier(legacy)}::text IS NOT TRUE AND NOT EXISTS (SELECT 1 FROM {mappings} m2 WHERE m2.new_id = m.new_id AND m2.legacy_id = t.{QualifiedName.QuoteIdentifier(legacy)}::text))"
            : "0";
        await using var command = new NpgsqlCommand(
            $"""
            SELECT count(*) FILTER (WHERE m.new_id IS NULL), count(*) FILTER (WHERE t.{id} IS NULL), {legacyDiffers}
            FROM {map.Target.Quoted} t FULL JOIN {mappings} m ON m.new_id = t.{id}::text
            """, target) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (unmapped, dangling, differs) = (reader.GetInt64(0), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
        await reader.DisposeAsync();
        if (unmapped > 0)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"{unmapped:N0} migrated rows have no row in migration_mappings"));
        }

        if (dangling > 0)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"{dangling:N0} migration_mappings rows of {map.EntityType} point at no row"));
        }

        if (differs > 0)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"{differs:N0} rows keep a legacy id that their mapping does not name"));
        }

        // With a natural key rule, a duplicate merged away is mapped to the row kept: several legacy ids share a new id.
        if (map.Duplicates is null)
        {
            var shared = await ScalarAsync(target, $"SELECT count(*) FROM (SELECT new_id FROM {mappings} m GROUP BY new_id HAVING count(*) > 1) x", cancellationToken);
            if (shared > 0)
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture, $"{shared:N0} new ids have more than one legacy id"));
            }
        }
    }

    private async Task<(int Compared, int Mismatches)> DeepCompareAsync(
        NpgsqlConnection source, NpgsqlConnection target, CompiledSpec spec, TablePlan table, long sourceRows, string controlSchema, List<string> issues, CancellationToken cancellationToken)
    {
        if (sourceRows == 0 || SampleSize <= 0 || table.KeyColumns.Count == 0)
        {
            return (0, 0);
        }

        var keys = string.Join(", ", table.KeyColumns.Select(k => "s." + QualifiedName.QuoteIdentifier(k)));
        var inner = string.Join(", ", table.KeyColumns.Select(QualifiedName.QuoteIdentifier));
        var percent = Math.Min(100.0, Math.Max(0.01, SampleSize * 300.0 / sourceRows));
        var sample = string.Create(CultureInfo.InvariantCulture,
            $"({keys}) IN (SELECT {inner} FROM {spec.Source.Quoted} TABLESAMPLE BERNOULLI ({percent}) REPEATABLE ({System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue)}) LIMIT {SampleSize})");
        var expected = new List<(object?[] Values, bool Skipped, Guid Id, string Key)>();
        await using (var transaction = await source.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken))
        {
            // Children of merged duplicates point at the row kept, as the copy wrote them (same sample: same seed, same snapshot).
            var redirects = spec.References.Any(r => r.ParentMerges)
                ? await ReferenceRedirects.LoadAsync(spec, spec.Select(sample, ""), source, transaction, target, null, controlSchema, cancellationToken)
                : ReferenceRedirects.None;
            // Parents the source cannot vouch for (left out of the migration, or kept out through them), as the copy looked them up.
            var presence = ParentPresence.Needed(spec)
                ? await ParentPresence.LoadAsync(spec, spec.Select(sample, ""), source, transaction, target, null, controlSchema, cancellationToken)
                : ParentPresence.None;
            await using var command = new NpgsqlCommand(spec.Select(sample, ""), source, transaction) { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var row = new SpecRow(spec.References.Count, spec.Polymorphics.Count);
            long nulled = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                RowSkip? skip;
                try
                {
                    skip = SpecRowEvaluator.Evaluate(spec, reader, row, presence, ref nulled);
                }
                catch (OrphanReferenceException ex)
                {
                    issues.Add("deep compare: " + ex.Message);
                    continue;
                }

                if (skip is null && !redirects.IsEmpty)
                {
                    redirects.Apply(spec, reader, row);
                }

                expected.Add((skip is null ? [.. spec.Columns.Select(c => c.Value(reader, row))] : [], skip is not null, row.NewId, reader.GetString(spec.RowKeyOrdinal)));
            }
        }

        if (!spec.Map.RemapsKeys)
        {
            return await CompareByValuesAsync(target, spec, expected, issues, cancellationToken);
        }

        var actual = new Dictionary<Guid, object?[]>();
        var idColumn = QualifiedName.QuoteIdentifier(spec.Map.Key!.TargetColumn);
        await using (var command = new NpgsqlCommand($"SELECT {spec.TargetColumnList} FROM {spec.Target.Quoted} WHERE {idColumn} = ANY($1)", target))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. expected.Select(e => e.Id)] });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var idOrdinal = spec.Columns.ToList().FindIndex(c => c is NewIdColumn);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[reader.FieldCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetDataTypeName(i) == "interval" ? reader.GetFieldValue<NpgsqlTypes.NpgsqlInterval>(i) : reader.GetValue(i);
                }

                actual[(Guid)values[idOrdinal]!] = values;
            }
        }

        var mismatches = 0;
        var updates = spec.Map.Duplicates?.Policy == DuplicatePolicy.Update;
        foreach (var (values, skipped, id, key) in expected)
        {
            var found = actual.TryGetValue(id, out var row);
            if (skipped)
            {
                if (found)
                {
                    mismatches++;
                    issues.Add($"deep compare: source row {key} is kept out by a policy but its id is in the target");
                }

                continue;
            }

            if (!found)
            {
                // Without a natural key rule every written row must be there; with one, a duplicate may have been merged away.
                if (spec.Map.Duplicates is null)
                {
                    mismatches++;
                    issues.Add($"deep compare: source row {key} is missing from the target");
                }

                continue;
            }

            // With "update" a row's data may come from a later duplicate: then only its id, legacy id and natural key must match.
            var differing = spec.Columns.Select((c, i) => (c, i))
                .Where(x => !updates || x.c is NewIdColumn || x.c.Name == spec.Map.Key!.LegacyIdColumn || spec.Map.Duplicates!.Columns.Contains(x.c.Name))
                .Where(x => !Same(values[x.i], row![x.i]))
                .Select(x => x.c.Name)
                .ToList();
            if (differing.Count > 0)
            {
                mismatches++;
                if (mismatches <= 5)
                {
                    issues.Add($"deep compare: source row {key} differs from its target row in {string.Join(", ", differing)}");
                }
            }
        }

        if (mismatches > 5)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"deep compare: {mismatches} of {expected.Count} sampled rows differ in all"));
        }

        return (expected.Count, mismatches);
    }

    private static async Task<(int, int)> CompareByValuesAsync(
        NpgsqlConnection target, CompiledSpec spec, List<(object?[] Values, bool Skipped, Guid Id, string Key)> expected,
        List<string> issues, CancellationToken cancellationToken)
    {
        // As for remapped keys: with a natural key rule a duplicate may have been merged away (the reconciliation still
        // accounts for every row).
        if (spec.Map.Duplicates is not null)
        {
            return (0, 0);
        }

        var mismatches = 0;
        var condition = string.Join(" AND ", spec.Columns.Select((c, i) =>
            $"{QualifiedName.QuoteIdentifier(c.Name)} IS NOT DISTINCT FROM ${(i + 1).ToString(CultureInfo.InvariantCulture)}"));
        foreach (var (values, _, _, key) in expected.Where(e => !e.Skipped))
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {spec.Target.Quoted} WHERE {condition}", target);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = values[i] ?? DBNull.Value, DataTypeName = spec.Columns[i].DataTypeName });
            }

            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                mismatches++;
                if (mismatches <= 5)
                {
                    issues.Add($"deep compare: no target row holds the values of source row {key}");
                }
            }
        }

        return (expected.Count, mismatches);
    }

    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (DateTime a, DateTime b) => a.Ticks == b.Ticks,
        (Array a, Array b) => StructuralComparisons.StructuralEqualityComparer.Equals(a, b),
        var (a, b) => a.Equals(b) || string.Equals(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture), StringComparison.Ordinal),
    };

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>The control schema of the target that holds migration_mappings and mapping_outcomes (the configured one when several do).</summary>
    public static async Task<string?> FindControlSchemaAsync(string targetConnectionString, CancellationToken cancellationToken = default)
    {
        await using var target = new NpgsqlConnection(targetConnectionString);
        await target.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT n.nspname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'mapping_outcomes' AND c.relkind = 'r' ORDER BY n.nspname = 'migration_control' DESC LIMIT 1",
            target);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Validated mapped {Table}: passed {Passed}, source {SourceRows} rows, target {TargetRows}, filtered {Filtered}, kept out by policies {Kept}, {Compared} rows deep-compared")]
    private static partial void LogValidated(ILogger logger, string table, bool passed, long sourceRows, long targetRows, long filtered, long kept, int compared);
}
