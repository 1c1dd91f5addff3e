using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Npgsql;

namespace Migration.Postgres.Counting;

public sealed class PostgresRowCounter : IRowCounter
{
    public async Task<long> CountAsync(string connectionString, QualifiedName table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table.Quoted}", connection) { CommandTimeout = 0 };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
