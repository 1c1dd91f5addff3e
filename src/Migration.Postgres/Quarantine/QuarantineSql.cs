using Migration.Core.Catalog;

namespace Migration.Postgres.Quarantine;

/// <summary>The SQL of the control schema's <c>quarantine</c> table (rows the copy set aside, with their reasons).</summary>
internal static class QuarantineSql
{
    /// <summary>Columns added to the original quarantine table (idempotent; <paramref name="quotedSchema"/> is quoted).</summary>
    public static string AddColumns(string quotedSchema) =>
        $"""
        ALTER TABLE {quotedSchema}.quarantine
            ADD COLUMN IF NOT EXISTS constraint_name text,
            ADD COLUMN IF NOT EXISTS column_name text,
            ADD COLUMN IF NOT EXISTS detail text,
            ADD COLUMN IF NOT EXISTS row_key text[],
            ADD COLUMN IF NOT EXISTS payload text;
        """;

    public static string Insert(string schema) =>
        $"""
        INSERT INTO {QualifiedName.QuoteIdentifier(schema)}.quarantine
            (migration_id, table_name, batch_id, reason, sql_state, constraint_name, column_name, detail, row_key, row_preview, payload)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """;

    public static string CountTable(string schema) =>
        $"SELECT count(*) FROM {QualifiedName.QuoteIdentifier(schema)}.quarantine WHERE migration_id = $1 AND table_name = $2";

    public static string CountByTable(string schema) =>
        $"SELECT table_name, count(*) FROM {QualifiedName.QuoteIdentifier(schema)}.quarantine WHERE migration_id = $1 GROUP BY table_name";

    public static string List(string schema) =>
        $"""
        SELECT id, table_name, batch_id, reason, sql_state, constraint_name, column_name, detail, row_key, row_preview,
               payload LIKE 'enc:%', quarantined_at
        FROM {QualifiedName.QuoteIdentifier(schema)}.quarantine
        WHERE migration_id = $1 AND ($2::text IS NULL OR table_name = $2) AND id > $3
        ORDER BY id
        LIMIT $4
        """;

    public static string Keys(string schema) =>
        $"SELECT row_key FROM {QualifiedName.QuoteIdentifier(schema)}.quarantine WHERE migration_id = $1 AND table_name = $2 AND row_key IS NOT NULL";
}
