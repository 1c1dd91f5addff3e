using Migration.Core.Catalog;

namespace Migration.Postgres.Validation;

/// <summary>The SQL of <see cref="PostgresMigrationValidator"/>.</summary>
internal static class ValidationQueries
{
    /// <summary>
    /// Row count and an order-independent content checksum in one sequential scan: each row's columns are rendered
    /// as the text of a row value, <c>md5</c> of it is cut to 64 bits read as a signed bigint, and the sum of those
    /// (as numeric, so it cannot overflow) is the checksum. The sum is independent of row order and counts
    /// duplicates; row text is the types' output functions, which are the same on two servers of the same major
    /// version once TimeZone, DateStyle, IntervalStyle, extra_float_digits and bytea_output are fixed (they are, by
    /// the session), so floats (shortest exact text), numeric (with its scale), timestamptz (UTC), jsonb (normalised),
    /// json (verbatim), arrays, bytea (hex), enums (labels), ranges and NULLs (an empty field, distinct from "")
    /// all hash identically when the values are identical. md5 is used for its stability, not for security.
    /// </summary>
    /// <param name="only">Read the table alone (<c>ONLY</c>): right for every table but a partitioned one, whose rows are its partitions'.</param>
    /// <param name="filter">A condition on the rows (alias <c>t</c>) or null for all of them.</param>
    public static string CountAndChecksum(QualifiedName table, IEnumerable<string> columns, bool only, string? filter = null) =>
        $"""
        SELECT count(*),
               coalesce(sum(('x' || substr(md5(ROW({string.Join(", ", columns.Select(c => "t." + QualifiedName.QuoteIdentifier(c)))})::text), 1, 16))::bit(64)::int8::numeric), 0)::text
        FROM {(only ? "ONLY " : "")}{table.Quoted} t{(filter is null ? "" : " WHERE " + filter)}
        """;

    /// <summary>
    /// Rows whose key is not among the quarantined keys (<c>$1</c>: a JSON array of key-value arrays, each key value
    /// as text; the heap position for a table without a key), as a hashed anti-join.
    /// </summary>
    public static string NotQuarantined(IReadOnlyList<string> keyColumns) =>
        $"NOT EXISTS (SELECT 1 FROM jsonb_array_elements($1::jsonb) q(k) WHERE q.k = to_jsonb(ARRAY[{(keyColumns.Count == 0 ? "t.ctid::text" : string.Join(", ", keyColumns.Select(k => "t." + QualifiedName.QuoteIdentifier(k) + "::text")))}]))";

    /// <summary>Referenced tables on the target: kind ('r', 'p') or null when missing (<c>$1</c>: quoted names).</summary>
    public const string RelationKinds = """
        SELECT x, (SELECT relkind::text FROM pg_class WHERE oid = to_regclass(x)) FROM unnest($1::text[]) x
        """;

    /// <summary>
    /// Children whose foreign key columns are all non-null and match no parent row (MATCH SIMPLE semantics). Like
    /// PostgreSQL's own check, plain tables are read with ONLY (rows of inheritance children are theirs, not the
    /// table's); a partitioned table includes its partitions.
    /// </summary>
    public static string Orphans(QualifiedName table, bool childIsPlainTable, OrphanCheck check, bool parentIsPlainTable)
    {
        var notNull = string.Join(" AND ", check.Columns.Select(c => $"c.{QualifiedName.QuoteIdentifier(c)} IS NOT NULL"));
        var match = string.Join(" AND ", check.Columns.Zip(check.ReferencedColumns,
            (c, p) => $"p.{QualifiedName.QuoteIdentifier(p)} = c.{QualifiedName.QuoteIdentifier(c)}"));
        var only = parentIsPlainTable ? "ONLY " : "";
        return $"""
            SELECT count(*) FROM {(childIsPlainTable ? "ONLY " : "")}{table.Quoted} c
            WHERE {notNull}
              AND NOT EXISTS (SELECT 1 FROM {only}{check.ReferencedTable.Quoted} p WHERE {match})
            """;
    }

    /// <summary>Foreign keys of a target table (<c>$1</c>: its quoted name).</summary>
    public const string ForeignKeys = """
        SELECT con.conname::text, rn.nspname::text, rc.relname::text,
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i),
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i)
        FROM pg_constraint con
        JOIN pg_class rc ON rc.oid = con.confrelid
        JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE con.conrelid = to_regclass($1) AND con.contype = 'f' AND con.conparentid = 0
        ORDER BY con.conname
        """;
}
