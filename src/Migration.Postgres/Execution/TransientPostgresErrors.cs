using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Which failures a page may be retried after (seed L1 self-recovery): connection exceptions (class 08),
/// serialization failures and deadlocks (40001, 40P01), too many connections (53300), administrator shutdown
/// (57P01), a server shutting down after a crash or not accepting connections yet (57P02, 57P03: a restart), a
/// cancelled statement (57014: statement timeout) and a lock not obtained in time (55P03: lock timeout);
/// and a broken connection that the server never answered for.
/// </summary>
public static class TransientPostgresErrors
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => IsTransientSqlState(pg.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or TimeoutException,
        _ => false,
    };

    public static bool IsTransientSqlState(string? sqlState) => sqlState is not null &&
        (sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is "40001" or "40P01" or "53300" or "57P01" or "57P02" or "57P03" or "57014" or "55P03");

    /// <summary>True when the connection itself was lost, so the pool is refreshed before the next attempt.</summary>
    public static bool IsConnectionLoss(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException npgsql => npgsql.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => false,
    };
}
