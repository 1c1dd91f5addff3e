using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Core.Planning;
using Migration.Postgres.Catalog;
using Npgsql;

namespace Migration.Postgres.Validation;

/// <summary>
/// Placeholder parents, set-based and in one target transaction: the child's distinct keys streamed into the target
/// (<see cref="ChildKeys"/>, the whole child, never sampled), one <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> of
/// the keys no parent row holds (only the key columns: every other column takes its default or stays empty), and one
/// row per placeholder in <c>{control}.placeholder_rows</c> (migration, parent table, key as text) so they can be found
/// and completed later. Written after the recovery point, so a rollback removes them with the migration's rows.
/// </summary>
public sealed class PostgresParentPlaceholders : IParentPlaceholders
{
    public async Task<long> CreateAsync(
        string migrationId,
        string sourceConnectionString,
        string targetConnectionString,
        string controlSchema,
        MissingParentReference reference,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        ArgumentNullException.ThrowIfNull(reference);
        var control = QualifiedName.QuoteIdentifier(controlSchema);
        await using var source = await PostgresSession.OpenAsync(sourceConnectionString, cancellationToken);
        await using var target = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(target, transaction, $"""
            CREATE SCHEMA IF NOT EXISTS {control};
            CREATE TABLE IF NOT EXISTS {control}.placeholder_rows (
                migration_id text NOT NULL,
                parent_table text NOT NULL,
                key text NOT NULL,
                connection_rule text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (migration_id, parent_table, key));
            """, cancellationToken);
        if (reference.EntityType is not null)
        {
            var made = await CreateMappedAsync(migrationId, source, target, transaction, control, reference, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return made;
        }

        await ChildKeys.LoadAsync(source, target, transaction, reference, parentInTarget: true, sample: "", cancellationToken);

        var keys = ChildKeys.Columns(reference);
        var parentColumns = string.Join(", ", reference.ParentColumns.Select(QualifiedName.QuoteIdentifier));
        var keyText = keys.Count == 1
            ? $"{QualifiedName.QuoteIdentifier(reference.ParentColumns[0])}::text"
            : $"concat_ws(',', {string.Join(", ", reference.ParentColumns.Select(c => QualifiedName.QuoteIdentifier(c) + "::text"))})";
        await using var insert = new NpgsqlCommand(
            $"""
            WITH created AS (
                INSERT INTO {reference.Parent.Quoted} ({parentColumns}) OVERRIDING SYSTEM VALUE
                SELECT {string.Join(", ", keys.Select(k => "k." + k))} FROM {ChildKeys.Table} k WHERE {ChildKeys.NoParent(reference)}
                ON CONFLICT DO NOTHING
                RETURNING {keyText} AS key)
            INSERT INTO {control}.placeholder_rows (migration_id, parent_table, key, connection_rule)
            SELECT $1, $2, key, $3 FROM created
            ON CONFLICT DO NOTHING
            """, target, transaction) { CommandTimeout = 0 };
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.Parent.ToString() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.Rule });
        var created = await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// Placeholders for a mapped reference (<see cref="MissingParentReference.EntityType"/>): the child's distinct legacy
    /// ids stream from the source line by line, each with the new id a child computes for it
    /// (<see cref="LegacyIds.NewId(string, string)"/>: the children point at the placeholder without any lookup), into a
    /// temporary table of the target; the ones migration_mappings does not list get a parent row (key and legacy id
    /// only), a mapping row (batch <c>migration#placeholders</c>, so a rollback of the migration removes it) and a line in
    /// placeholder_rows.
    /// </summary>
    private static async Task<long> CreateMappedAsync(
        string migrationId, NpgsqlConnection source, NpgsqlConnection target, NpgsqlTransaction transaction, string control,
        MissingParentReference reference, CancellationToken cancellationToken)
    {
        var key = QualifiedName.QuoteIdentifier(reference.ParentColumns[0]);
        var legacy = reference.ParentLegacyColumn is { } l ? QualifiedName.QuoteIdentifier(l) : null;
        var mappings = $"{QualifiedName.QuoteIdentifier(reference.ControlSchema ?? "migration_control")}.migration_mappings";
        await ExecuteAsync(target, transaction,
            $"CREATE TEMP TABLE mp_placeholders ON COMMIT DROP AS SELECT p.{key} AS id, ''::text AS legacy{(legacy is null ? "" : $", p.{legacy} AS lid")} FROM {reference.Parent.Quoted} p WITH NO DATA",
            cancellationToken);
        var column = "c." + QualifiedName.QuoteIdentifier(reference.ChildColumns[0]);
        using (var reader = await source.BeginTextExportAsync(
            $"COPY (SELECT DISTINCT ({column})::text FROM {reference.Child.Quoted} c WHERE {column} IS NOT NULL{ChildKeys.Filter(reference)}) TO STDOUT", cancellationToken))
        await using (var writer = await target.BeginTextImportAsync($"COPY mp_placeholders (id, legacy{(legacy is null ? "" : ", lid")}) FROM STDIN", cancellationToken))
        {
            var entity = reference.EntityType!;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var id = LegacyIds.NewId(entity, Unescape(line));
                await writer.WriteAsync(legacy is null ? $"{id}\t{line}\n" : $"{id}\t{line}\t{line}\n");
            }
        }

        await using var insert = new NpgsqlCommand(
            $"""
            WITH missing AS (
                SELECT k.id, k.legacy{(legacy is null ? "" : ", k.lid")} FROM mp_placeholders k
                WHERE NOT EXISTS (SELECT 1 FROM {mappings} m WHERE m.entity_type = $4 AND m.legacy_id = k.legacy)),
            created AS (
                INSERT INTO {reference.Parent.Quoted} ({key}{(legacy is null ? "" : $", {legacy}")}) OVERRIDING SYSTEM VALUE
                SELECT id{(legacy is null ? "" : ", lid")} FROM missing
                ON CONFLICT DO NOTHING
                RETURNING {key} AS id),
            mapped AS (
                INSERT INTO {mappings} (entity_type, legacy_id, new_id, migration_batch)
                SELECT $4, m.legacy, m.id::text, $5 FROM missing m JOIN created c ON c.id = m.id
                ON CONFLICT DO NOTHING)
            INSERT INTO {control}.placeholder_rows (migration_id, parent_table, key, connection_rule)
            SELECT $1, $2, m.id::text, $3 FROM missing m JOIN created c ON c.id = m.id
            ON CONFLICT DO NOTHING
            """, target, transaction) { CommandTimeout = 0 };
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.Parent.ToString() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.Rule });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reference.EntityType! });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId + "#placeholders" });
        return await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A value of COPY's text format as it is (backslash escapes undone).</summary>
    private static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            var next = text[++i];
            result.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'b' => '\b', 'f' => '\f', 'v' => '\v', _ => next });
        }

        return result.ToString();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
