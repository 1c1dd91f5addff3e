using Migration.Core.Abstractions;
using Migration.Core.Catalog;
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

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
