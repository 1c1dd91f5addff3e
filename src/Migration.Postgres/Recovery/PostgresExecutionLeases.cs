using Migration.Core.Recovery;
using Npgsql;

namespace Migration.Postgres.Recovery;

/// <summary>
/// Execution leases as PostgreSQL session-level advisory locks in the TARGET database, on ('MIGX', hashtext(migration
/// id)), each held by its own unpooled connection. The target is the one thing every instance that could run the
/// migration shares, whatever its Orleans cluster or Redis; the lock goes away by itself when the holder's process
/// dies (its sessions end), so there is no expiry to tune and no clock to trust.
/// </summary>
public sealed class PostgresExecutionLeases : IExecutionLeases
{
    public async Task<IExecutionLease?> TryAcquireAsync(string targetConnectionString, string migrationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        var builder = new NpgsqlConnectionStringBuilder(targetConnectionString)
        {
            Pooling = false,
            ApplicationName = "Migration.Grpc lease " + migrationId,
            KeepAlive = 10,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(RecoverySql.TryExecutionLock, connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = RecoverySql.ExecutionLockClass });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Lease(connection, migrationId);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async Task<string?> DescribeHolderAsync(string targetConnectionString, string migrationId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(targetConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(RecoverySql.ExecutionLockHolder, connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = RecoverySql.ExecutionLockClass });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var client = reader.IsDBNull(1) ? "local socket" : reader.GetString(1);
        return $"target session {reader.GetInt32(0)} from {client}, since {reader.GetDateTime(2):u}";
    }

    private sealed class Lease(NpgsqlConnection connection, string migrationId) : IExecutionLease
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private bool _disposed;

        public async Task<bool> IsHeldAsync(CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                if (_disposed)
                {
                    return false;
                }

                await using var command = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 10 };
                await command.ExecuteScalarAsync(cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return false;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _gate.WaitAsync();
            try
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                if (connection.State == System.Data.ConnectionState.Open)
                {
                    try
                    {
                        await using var command = new NpgsqlCommand(RecoverySql.ExecutionLockUnlock, connection) { CommandTimeout = 10 };
                        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = RecoverySql.ExecutionLockClass });
                        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
                        await command.ExecuteScalarAsync();
                    }
                    catch (NpgsqlException)
                    {
                        // The session is gone, and the lock with it.
                    }
                }

                await connection.DisposeAsync();
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
