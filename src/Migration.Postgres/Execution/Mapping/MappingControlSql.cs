using Migration.Core.Catalog;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// The control-schema SQL of schema-changing (mapped by a spec) copies.
/// <para><c>migration_mappings.migration_batch</c> is the batch id of the page that migrated the row — the same id
/// as <c>BatchResult.BatchId</c>: <c>schema.table#n</c>, or <c>schema.table#range.n</c> for a table copied in key
/// ranges, where schema.table is the SOURCE table. The page's rows, their mappings, their policy outcomes and its
/// checkpoint commit in one transaction, so rolling back one batch means deleting the target rows whose ids the
/// batch's mappings list, then the mappings and outcomes of that batch.</para>
/// <para><c>mapping_outcomes</c> counts, per page, the source rows a policy kept out of the target (or changed):
/// <c>orphan_skipped</c>, <c>orphan_nulled</c>, <c>rejected</c>, <c>duplicate_skipped</c>, <c>duplicate_dropped</c>
/// (keep first), <c>duplicate_updated</c>; rows skipped and listed are also in <c>quarantine</c> (reason starting
/// with <c>orphan:</c>, <c>duplicate:</c> or <c>rejected:</c>).</para>
/// </summary>
internal static class MappingControlSql
{
    /// <summary>Idempotent DDL (<paramref name="quotedSchema"/> is quoted).</summary>
    public static string CreateTables(string quotedSchema) =>
        $"""
        CREATE TABLE IF NOT EXISTS {quotedSchema}.mapping_outcomes (
            migration_id    text   NOT NULL,
            table_name      text   NOT NULL,
            migration_batch text   NOT NULL,
            outcome         text   NOT NULL,
            rows            bigint NOT NULL,
            PRIMARY KEY (migration_id, table_name, migration_batch, outcome));
        """;

    public static string CopyMappings(string schema) =>
        $"COPY {QualifiedName.QuoteIdentifier(schema)}.migration_mappings (entity_type, legacy_id, new_id, migration_batch) FROM STDIN (FORMAT binary)";

    public static string InsertOutcomes(string schema) =>
        $"""
        INSERT INTO {QualifiedName.QuoteIdentifier(schema)}.mapping_outcomes (migration_id, table_name, migration_batch, outcome, rows)
        SELECT $1, $2, $3, o, n FROM unnest($4::text[], $5::bigint[]) AS x(o, n)
        """;

    public static string SelectOutcomes(string schema) =>
        $"""
        SELECT outcome, sum(rows)::bigint FROM {QualifiedName.QuoteIdentifier(schema)}.mapping_outcomes
        WHERE migration_id = $1 AND table_name = $2 GROUP BY outcome
        """;

    /// <summary>Rows a policy set aside and listed ($1 migration, $2 table, $3 batch, $4 reasons, $5 columns, $6 keys, $7 previews).</summary>
    public static string InsertListed(string schema) =>
        $"""
        INSERT INTO {QualifiedName.QuoteIdentifier(schema)}.quarantine (migration_id, table_name, batch_id, reason, column_name, row_key, row_preview)
        SELECT $1, $2, $3, r, c, ARRAY[k], p FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS x(r, c, k, p)
        """;
}
