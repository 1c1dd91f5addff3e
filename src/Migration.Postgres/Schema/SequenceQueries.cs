namespace Migration.Postgres.Schema;

/// <summary>SQL that finds the sequences feeding the migrated tables and moves them past the loaded values.</summary>
internal static class SequenceQueries
{
    /// <summary>
    /// Sequences that feed a column of the given tables (<c>$1</c>, quoted names): owned by it (serial 'a', identity
    /// 'i') or called by its default (a pg_attrdef depending on the sequence).
    /// </summary>
    public const string Feeding = """
        WITH feeds AS (
            SELECT d.objid AS seq, d.refobjid AS rel, d.refobjsubid AS att
            FROM pg_depend d
            WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
              AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
            UNION
            SELECT d.refobjid, ad.adrelid, ad.adnum
            FROM pg_depend d JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
            WHERE d.refclassid = 'pg_class'::regclass
        )
        SELECT sn.nspname::text, s.relname::text, tn.nspname::text, t.relname::text, a.attname::text, q.seqincrement
        FROM feeds f
        JOIN pg_class s ON s.oid = f.seq AND s.relkind = 'S'
        JOIN pg_namespace sn ON sn.oid = s.relnamespace
        JOIN pg_sequence q ON q.seqrelid = s.oid
        JOIN pg_class t ON t.oid = f.rel
        JOIN pg_namespace tn ON tn.oid = t.relnamespace
        JOIN pg_attribute a ON a.attrelid = f.rel AND a.attnum = f.att
        WHERE f.rel IN (SELECT to_regclass(x) FROM unnest($1::text[]) x)
        ORDER BY 1, 2, 3, 4, 5
        """;

    /// <summary>
    /// Sets a sequence (<c>$1</c>) past <paramref name="extreme"/> (the greatest loaded value, the source's last value
    /// <c>$2</c> and its own last value; the least of them for a descending sequence) so that nextval returns the next
    /// value; when there is none (empty tables, never used) nextval returns the start value (is_called = false).
    /// </summary>
    public static string SetPast(string extreme, bool ascending)
    {
        var outOfRange = ascending ? "x.v < q.seqmin" : "x.v > q.seqmax";
        return $"""
            SELECT CASE WHEN x.v IS NULL OR {outOfRange} THEN setval(q.seqrelid, q.seqstart, false)
                        ELSE setval(q.seqrelid, x.v, true) END
            FROM pg_sequence q
            CROSS JOIN LATERAL (SELECT {extreme} AS v) x
            WHERE q.seqrelid = $1::text::regclass
            """;
    }
}
