namespace Migration.Postgres.Catalog;

/// <summary>
/// The pg_catalog queries of <see cref="PostgresCatalogReader"/>: one per kind of object, over all selected tables
/// at once (<c>$1</c> is the array of selected table oids). Written for PostgreSQL 12 and later.
/// </summary>
internal static class CatalogQueries
{
    /// <summary>Schemas that are never read: system schemas (every <c>pg_*</c>), information_schema, the control schema.</summary>
    private const string UserSchema =
        "n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'migration_control')";

    /// <summary>Objects that belong to an extension are the extension's business (CREATE EXTENSION makes them).</summary>
    private const string NotExtensionRelation =
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')";

    private const string NotExtensionType =
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')";

    public const string ServerVersion = "SELECT current_setting('server_version'), current_database()";

    public const string Relations = $"""
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p' AS partitioned,
               c.reltuples::float8, c.relpages, pg_table_size(c.oid), pg_relation_size(c.oid),
               current_setting('block_size')::int8,
               h.inhparent, pg_get_expr(c.relpartbound, c.oid),
               CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_inherits h ON c.relispartition AND h.inhrelid = c.oid
        WHERE c.relkind IN ('r', 'p') AND {UserSchema}
          AND {NotExtensionRelation}
        ORDER BY n.nspname, c.relname
        """;

    /// <summary>Live columns; the ordinal is the position among live columns (dropped columns leave gaps in attnum).</summary>
    public const string Columns = """
        SELECT a.attrelid, a.attname::text,
               row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::int4,
               format_type(a.atttypid, a.atttypmod), t.typtype, t.typcategory, a.attnotnull,
               CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
               a.attidentity,
               CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) END
        FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;

    /// <summary>
    /// Primary keys, unique, foreign key, check and exclusion constraints. <c>inherited</c> marks clones made by
    /// partitioning (<c>conparentid</c>); <c>conislocal</c> is false for checks inherited from a parent.
    /// </summary>
    public const string Constraints = """
        SELECT con.conrelid, con.conname::text, con.contype, pg_get_constraintdef(con.oid), con.condeferrable,
               ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i),
               rn.nspname::text, rc.relname::text,
               ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i),
               con.conparentid <> 0, con.conislocal
        FROM pg_constraint con
        LEFT JOIN pg_class rc ON rc.oid = con.confrelid
        LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE con.conrelid = ANY($1) AND con.contype IN ('p', 'u', 'f', 'c', 'x')
        ORDER BY con.conrelid, con.conname
        """;

    /// <summary>Indexes that back no constraint and are not a partition's copy of its parent's index.</summary>
    public const string Indexes = """
        SELECT i.indrelid, ic.relname::text, pg_get_indexdef(i.indexrelid), i.indisunique,
               ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indrelid = ANY($1)
          AND (i.indisvalid OR ic.relkind = 'I')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
          AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
        ORDER BY i.indrelid, ic.relname
        """;

    /// <summary>
    /// Sequences with the column that owns them (serial: deptype 'a', identity: 'i'), last_value from pg_sequences
    /// (null until first used), and whether a default of a selected table calls them.
    /// </summary>
    public const string Sequences = $"""
        SELECT n.nspname::text, c.relname::text, format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax,
               s.seqstart, s.seqcycle, o.refobjid, tn.nspname::text, tc.relname::text, ta.attname::text, ps.last_value,
               EXISTS (SELECT 1 FROM pg_depend d JOIN pg_attrdef ad ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                       WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = s.seqrelid AND ad.adrelid = ANY($1))
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass AND o.objid = s.seqrelid
             AND o.refclassid = 'pg_class'::regclass AND o.refobjsubid > 0 AND o.deptype IN ('a', 'i')
        LEFT JOIN pg_class tc ON tc.oid = o.refobjid
        LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace
        LEFT JOIN pg_attribute ta ON ta.attrelid = o.refobjid AND ta.attnum = o.refobjsubid
        LEFT JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
        WHERE {UserSchema}
          AND {NotExtensionRelation}
        ORDER BY n.nspname, c.relname
        """;

    /// <summary>Types the selected tables' columns use, directly or through array elements and domain base types.</summary>
    private const string UsedTypes = """
        WITH RECURSIVE used(oid) AS (
            SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
            UNION
            SELECT x.oid FROM used u JOIN pg_type t ON t.oid = u.oid
            CROSS JOIN LATERAL (VALUES (t.typelem), (t.typbasetype)) x(oid)
            WHERE x.oid <> 0
        )
        """;

    public const string Enums = $"""
        {UsedTypes}
        SELECT n.nspname::text, t.typname::text,
               ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
               t.oid IN (SELECT oid FROM used)
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'e' AND {UserSchema}
          AND {NotExtensionType}
        ORDER BY n.nspname, t.typname
        """;

    public const string Domains = $"""
        {UsedTypes}
        SELECT t.oid, n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
               pg_get_expr(t.typdefaultbin, 0),
               ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
                     WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
               t.typbasetype, t.oid IN (SELECT oid FROM used)
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype = 'd' AND {UserSchema}
          AND {NotExtensionType}
        ORDER BY n.nspname, t.typname
        """;

    public const string Extensions = """
        SELECT e.extname::text, n.nspname::text, e.extversion
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        ORDER BY e.extname
        """;
}
