using Migration.Core.Abstractions;
using Migration.Core.Execution;
using Migration.Postgres.Execution;
using Npgsql;

namespace Migration.Postgres.Quarantine;

/// <summary>Reads the control schema's <c>quarantine</c> table (what the copy set aside, with the reasons).</summary>
public sealed class PostgresQuarantineStore(NpgsqlDataSourceProvider dataSources) : IQuarantineStore
{
    public async Task<IReadOnlyDictionary<string, long>> CountAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        if (!await ExistsAsync(connection, controlSchema, cancellationToken))
        {
            return counts;
        }

        await using var command = new NpgsqlCommand(QuarantineSql.CountByTable(controlSchema), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<QuarantinedRow>> ListAsync(
        string targetConnectionString, string controlSchema, string migrationId, string? table, long afterId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = new List<QuarantinedRow>();
        await using var connection = await dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        if (!await ExistsAsync(connection, controlSchema, cancellationToken))
        {
            return rows;
        }

        await using var command = new NpgsqlCommand(QuarantineSql.List(controlSchema), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)table ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var detail = Text(7);
            rows.Add(new QuarantinedRow(
                reader.GetInt64(0),
                reader.GetString(1),
                Text(2),
                new QuarantineReason(reader.GetString(3), Text(4), Text(5), Text(6),
                    Core.Security.PayloadProtector.IsProtected(detail) ? "(encrypted)" : detail),
                reader.IsDBNull(8) ? [] : reader.GetFieldValue<string?[]>(8),
                Text(9) ?? "",
                !reader.IsDBNull(10) && reader.GetBoolean(10),
                reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<IReadOnlyList<string?>>> KeysAsync(
        string targetConnectionString, string controlSchema, string migrationId, string table, CancellationToken cancellationToken = default)
    {
        var keys = new List<IReadOnlyList<string?>>();
        await using var connection = await dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        if (!await ExistsAsync(connection, controlSchema, cancellationToken))
        {
            return keys;
        }

        await using var command = new NpgsqlCommand(QuarantineSql.Keys(controlSchema), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetFieldValue<string?[]>(0));
        }

        return keys;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string controlSchema, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{Core.Catalog.QualifiedName.QuoteIdentifier(controlSchema)}.quarantine" });
        return await exists.ExecuteScalarAsync(cancellationToken) is true;
    }
}
