using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Postgres.Execution;
using Npgsql;

namespace Migration.Postgres.Counting;

/// <summary>Exact counts through the shared pools (and session settings) of <see cref="NpgsqlDataSourceProvider"/>.</summary>
public sealed class PostgresRowCounter(NpgsqlDataSourceProvider dataSources) : IRowCounter
{
    public async Task<long> CountAsync(string connectionString, QualifiedName table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var connection = await dataSources.OpenConnectionAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table.Quoted}", connection) { CommandTimeout = 0 };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
