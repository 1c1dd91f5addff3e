using Migration.Core.Catalog;

namespace Migration.Server.Audit;

/// <summary>
/// The audit table in a control schema. Append-only is enforced by the database: a trigger refuses UPDATE, DELETE and
/// TRUNCATE for everyone, the table owner included (dropping the trigger is a deliberate, visible act).
/// </summary>
internal static class AuditSql
{
    /// <summary>First key of the advisory lock taken around the DDL ('AUDT').</summary>
    public const int SchemaLockClass = 0x41554454;

    public static string Create(string schema)
    {
        var s = QualifiedName.QuoteIdentifier(schema);
        return $"""
            CREATE SCHEMA IF NOT EXISTS {s};
            CREATE TABLE IF NOT EXISTS {s}.audit_log (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
                migration_id text,
                actor        text        NOT NULL,
                auth_method  text        NOT NULL,
                roles        text[]      NOT NULL DEFAULT '{"{}"}',
                action       text        NOT NULL,
                peer         text        NOT NULL,
                outcome      text        NOT NULL,
                detail       text        NOT NULL DEFAULT '',
                trace_id     text);
            CREATE INDEX IF NOT EXISTS audit_log_migration_idx ON {s}.audit_log (migration_id, id);
            CREATE OR REPLACE FUNCTION {s}.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $fn$;
            CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON {s}.audit_log
                FOR EACH ROW EXECUTE FUNCTION {s}.audit_log_append_only();
            CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {s}.audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION {s}.audit_log_append_only();
            """;
    }

    public static string Insert(string schema) =>
        $"""
        INSERT INTO {QualifiedName.QuoteIdentifier(schema)}.audit_log
            (migration_id, actor, auth_method, roles, action, peer, outcome, detail, trace_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """;

    /// <summary>$1 migration id (null = any), $2 before id (0 = newest), $3 limit, $4 actor (null = any), $5 action (null = any).</summary>
    public static string Select(string schema) =>
        $"""
        SELECT id, occurred_at, migration_id, actor, auth_method, roles, action, peer, outcome, detail, trace_id
        FROM {QualifiedName.QuoteIdentifier(schema)}.audit_log
        WHERE ($1::text IS NULL OR migration_id = $1)
          AND ($2 = 0 OR id < $2)
          AND ($4::text IS NULL OR actor = $4)
          AND ($5::text IS NULL OR action = $5)
        ORDER BY id DESC
        LIMIT $3
        """;

    public static string Exists(string schema) => $"{QualifiedName.QuoteIdentifier(schema)}.audit_log";
}
