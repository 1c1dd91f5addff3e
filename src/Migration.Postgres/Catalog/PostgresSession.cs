using Npgsql;

namespace Migration.Postgres.Catalog;

/// <summary>
/// Opens connections whose session settings make catalog text and value text deterministic: <c>search_path</c> is
/// <c>pg_catalog</c> only, so <c>format_type</c> and the <c>pg_get_*def</c> functions schema-qualify every user object
/// and DDL built from them means the same thing on any server; TimeZone, DateStyle, IntervalStyle,
/// extra_float_digits and bytea_output are fixed so that values print identically on both sides of a comparison.
/// Npgsql resets the session (DISCARD ALL) when a pooled connection is returned, so nothing leaks to other users.
/// </summary>
internal static class PostgresSession
{
    private const string Settings =
        "SET search_path = pg_catalog, pg_temp; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; " +
        "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'; " +
        "SET statement_timeout = 0; SET application_name = 'Migration.Grpc'";

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(Settings, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A command without a client-side timeout: catalog reads, DDL and checksums can take long; cancellation ends them.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction) { CommandTimeout = 0 };
}
