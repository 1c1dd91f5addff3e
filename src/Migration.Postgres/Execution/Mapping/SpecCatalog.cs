using Migration.Core.Catalog;
using Npgsql;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>What compiling a table's spec needs to know about both databases, read with a few catalog queries.</summary>
internal static class SpecCatalog
{
    /// <summary>Columns of a source table in column order (stored generated columns left out): name → format_type.</summary>
    public static async Task<List<(string Name, string Type)>> SourceColumnsAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        var columns = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns.Count == 0 ? throw new InvalidOperationException($"Source table {table} does not exist or has no columns.") : columns;
    }

    /// <summary>The single-column primary key of a table (null when it has none or a composite one).</summary>
    public static async Task<string?> PrimaryKeyAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT a.attname FROM pg_index i
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary AND i.indnatts = 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Columns of the target table: name → (format_type, the type's <c>schema.name</c> for Npgsql, is built in, kind).</summary>
    public static async Task<Dictionary<string, TargetColumnType>> TargetColumnsAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), tn.nspname || '.' || t.typname, t.typtype::text,
                   CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END,
                   tn.nspname = 'pg_catalog' AND (t.typelem = 0 OR EXISTS (SELECT 1 FROM pg_type e JOIN pg_namespace en ON en.oid = e.typnamespace WHERE e.oid = t.typelem AND en.nspname = 'pg_catalog'))
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_namespace tn ON tn.oid = t.typnamespace
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        var columns = new Dictionary<string, TargetColumnType>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns[reader.GetString(0)] = new TargetColumnType(
                reader.GetString(1), reader.GetString(2), reader.GetString(3)[0], reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5));
        }

        return columns.Count == 0 ? throw new InvalidOperationException($"Target table {table} does not exist.") : columns;
    }

    /// <summary>Whether the target table has a unique index (no expressions, no predicate) on exactly these columns.</summary>
    public static async Task<bool> HasUniqueIndexAsync(NpgsqlConnection connection, QualifiedName table, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (
                SELECT 1 FROM pg_index i
                WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
                  AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                       WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = (SELECT array_agg(c ORDER BY c) FROM unnest($2::text[]) c)
                  AND i.indnkeyatts = cardinality($2::text[]))
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. columns] });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
