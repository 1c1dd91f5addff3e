using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// The statements of a table with a natural key rule. Why a staging table and ON CONFLICT rather than DISTINCT ON in
/// the source query: a duplicate may sit in any earlier page (or already be in the target), and the source has no
/// index on the transformed natural key, so only the target's unique index answers "seen before?" without a scan
/// per page; the staging COPY is binary and unindexed, and the INSERT … SELECT is one set-based statement.
/// </summary>
internal static class DuplicateSql
{
    public static DuplicatePlan Plan(CompiledSpec spec, DuplicateRule rule, string controlSchema)
    {
        var stage = "pg_temp." + QualifiedName.QuoteIdentifier(
            "mstage_" + new string(spec.Target.Name.Take(40).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray())
            + "_" + ((uint)StableHash(spec.Target.ToString())).ToString("x8", CultureInfo.InvariantCulture));
        var columns = spec.TargetColumnList;
        var id = QualifiedName.QuoteIdentifier(spec.Map.Key!.TargetColumn);
        var keys = rule.Columns.Select(QualifiedName.QuoteIdentifier).ToList();
        var keyList = string.Join(", ", keys);
        var target = spec.Target.Quoted;
        var control = QualifiedName.QuoteIdentifier(controlSchema);
        var allKeys = string.Join(" AND ", keys.Select(k => $"{k} IS NOT NULL"));
        var anyNull = string.Join(" OR ", keys.Select(k => $"{k} IS NULL"));

        // The first row of each natural key (in source order) is inserted unless the key is already in the target;
        // rows with a NULL in the key are never duplicates.
        var insert = $"""
            WITH w AS (
                INSERT INTO {target} ({columns})
                SELECT {columns} FROM (SELECT DISTINCT ON ({keyList}) * FROM {stage} WHERE {allKeys} ORDER BY {keyList}, "__ord") firsts
                UNION ALL SELECT {columns} FROM {stage} WHERE {anyNull}
                ON CONFLICT ({keyList}) DO NOTHING
                RETURNING 1)
            SELECT count(*), (SELECT count(*) FROM {stage}) FROM w
            """;
        string? update = null;
        if (rule.Policy == DuplicatePolicy.Update)
        {
            // Then the last row of each key overwrites the data (never the id, legacy id or key) of the row holding it.
            var fixedColumns = new HashSet<string>(StringComparer.Ordinal) { spec.Map.Key!.TargetColumn };
            if (spec.Map.Key.LegacyIdColumn is { } legacy)
            {
                fixedColumns.Add(legacy);
            }

            fixedColumns.UnionWith(rule.Columns);
            var updates = spec.Columns.Where(c => !fixedColumns.Contains(c.Name))
                .Select(c => $"{QualifiedName.QuoteIdentifier(c.Name)} = l.{QualifiedName.QuoteIdentifier(c.Name)}").ToList();
            if (updates.Count > 0)
            {
                update = $"""
                    UPDATE {target} t SET {string.Join(", ", updates)}
                    FROM (SELECT DISTINCT ON ({keyList}) * FROM {stage} WHERE {allKeys} ORDER BY {keyList}, "__ord" DESC) l
                    WHERE {string.Join(" AND ", keys.Select(k => $"t.{k} = l.{k}"))} AND t.{id} <> l.{id}
                    """;
            }
        }

        // Every staged legacy id is mapped: a row written to itself, a duplicate merged away to the row that holds its
        // natural key (the survivor), so the children of a duplicate are pointed at the survivor (ReferenceRedirects).
        var mappings = $"""
            INSERT INTO {control}.migration_mappings (entity_type, legacy_id, new_id, migration_batch)
            SELECT $1, st."__legacy", coalesce(t.{id}, st.{id})::text, $2
            FROM {stage} st LEFT JOIN {target} t ON {string.Join(" AND ", keys.Select(k => $"t.{k} = st.{k}"))}
            """;
        var described = string.Join(", ", rule.Columns);
        var values = string.Join(" || ', ' || ", keys.Select(k => $"coalesce(st.{k}::text, 'NULL')"));
        var listed = $"""
            INSERT INTO {control}.quarantine (migration_id, table_name, batch_id, reason, column_name, row_key, row_preview)
            SELECT $1, $2, $3, {SqlLiteral.Quote($"duplicate: natural key ({described}) already migrated")}, {SqlLiteral.Quote(described)},
                   ARRAY[st."__legacy"], left({SqlLiteral.Quote(described + " = ")} || {values}, 1000)
            FROM {stage} st WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{id} = st.{id})
            """;
        return new DuplicatePlan(
            rule,
            stage,
            $"CREATE TEMP TABLE IF NOT EXISTS {stage["pg_temp.".Length..]} (LIKE {target} INCLUDING DEFAULTS, \"__legacy\" text, \"__ord\" bigint) ON COMMIT DELETE ROWS",
            $"COPY {stage} ({columns}, \"__legacy\", \"__ord\") FROM STDIN (FORMAT binary)",
            insert,
            update,
            mappings,
            listed,
            $"SELECT count(*) FROM {stage}");
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
