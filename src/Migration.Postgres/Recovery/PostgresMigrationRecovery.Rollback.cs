using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Catalog;
using Migration.Core.Recovery;
using Migration.Postgres.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Recovery;

/// <summary>Rollback: the rows written since the recovery point removed, verified against the baseline before commit.</summary>
public sealed partial class PostgresMigrationRecovery
{
    public async Task<RollbackResult> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var point = await GetRecoveryPointAsync(request.TargetConnectionString, request.ControlSchema, request.MigrationId, cancellationToken);
        if (point is null)
        {
            // The migration never reached its first write: there is nothing to remove.
            var nothing = new RollbackResult(request.MigrationId, true,
                request.Tables.Select(t => new TableRollback(t.ToString(), "unchanged", 0, true, null)).ToList(), 0, 0,
                Stopwatch.GetElapsedTime(started), _clock.GetUtcNow());
            LogRolledBack(_logger, request.MigrationId, 0, 0, (long)nothing.Duration.TotalMilliseconds);
            return nothing;
        }

        await using var connection = await PostgresSession.OpenAsync(request.TargetConnectionString, cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        RollbackResult result;
        try
        {
            var baselines = await ReadBaselineAsync(connection, transaction, request.ControlSchema, request.MigrationId, cancellationToken);
            // Tables the migration created go first (their foreign keys point at the others), then the rows it wrote
            // into existing tables, children before parents.
            var tables = new TableRollback?[request.Tables.Count];
            var drop = new List<QualifiedName>();
            for (var i = 0; i < request.Tables.Count; i++)
            {
                tables[i] = await DropCreatedAsync(connection, transaction, request, baselines, request.Tables[i], drop, cancellationToken);
            }

            if (drop.Count > 0)
            {
                await using var command = PostgresSession.Command(connection, $"DROP TABLE {string.Join(", ", drop.Select(d => d.Quoted))}", transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            for (var i = 0; i < request.Tables.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                tables[i] ??= await RemoveWrittenAsync(connection, transaction, point, baselines, request.Tables[i], cancellationToken);
            }

            if (request.WholeMigration)
            {
                await RestoreConstraintsAsync(connection, transaction, request.ConstraintsToRestore, cancellationToken);
            }

            var names = request.ControlTableNames.ToArray();
            var mappings = await ExecuteAsync(connection, transaction, RecoverySql.DeleteMappings(request.ControlSchema), cancellationToken,
                new NpgsqlParameter<long> { TypedValue = point.BaselineTransactionId },
                new NpgsqlParameter<string[]> { TypedValue = names },
                new NpgsqlParameter<string> { TypedValue = request.MigrationId });
            var checkpoints = await ExecuteAsync(connection, transaction, RecoverySql.DeleteCheckpoints(request.ControlSchema), cancellationToken,
                new NpgsqlParameter<string> { TypedValue = request.MigrationId }, new NpgsqlParameter<string[]> { TypedValue = names });
            await ExecuteAsync(connection, transaction, RecoverySql.DeleteControlRows(request.ControlSchema), cancellationToken,
                new NpgsqlParameter<string> { TypedValue = request.MigrationId }, new NpgsqlParameter<string[]> { TypedValue = names });
            await ExecuteAsync(connection, transaction, RecoverySql.DeleteQuarantine(request.ControlSchema), cancellationToken,
                new NpgsqlParameter<string> { TypedValue = request.MigrationId }, new NpgsqlParameter<string[]> { TypedValue = names });
            if (request.WholeMigration && await ExistsAsync(connection, transaction, new QualifiedName(request.ControlSchema, "placeholder_rows"), cancellationToken))
            {
                await ExecuteAsync(connection, transaction, RecoverySql.DeletePlaceholderList(request.ControlSchema), cancellationToken,
                    new NpgsqlParameter<string> { TypedValue = request.MigrationId });
            }

            // The full integrity check, inside the transaction: commit only what matches the baseline.
            var verified = new List<TableRollback>();
            for (var i = 0; i < tables.Length; i++)
            {
                verified.Add(await VerifyAsync(connection, transaction, request, baselines, request.Tables[i], tables[i]!, cancellationToken));
            }

            result = new RollbackResult(request.MigrationId, verified.All(t => t.MatchesBaseline), verified, mappings, checkpoints,
                Stopwatch.GetElapsedTime(started), _clock.GetUtcNow());
            if (result.Verified)
            {
                await LogAsync(connection, transaction, request, result, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await transaction.RollbackAsync(cancellationToken);
            }
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        if (result.Verified)
        {
            LogRolledBack(_logger, request.MigrationId, result.RowsRemoved, result.Tables.Count, (long)result.Duration.TotalMilliseconds);
        }
        else
        {
            await using var log = await connection.BeginTransactionAsync(cancellationToken);
            await LogAsync(connection, log, request, result, cancellationToken);
            await log.CommitAsync(cancellationToken);
            LogRollbackRefused(_logger, request.MigrationId, result.Summary);
        }

        return result;
    }

    /// <summary>A table the whole-migration rollback drops (the migration created it), else null.</summary>
    private static async Task<TableRollback?> DropCreatedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        RollbackRequest request,
        Dictionary<string, (QualifiedName Name, TableBaseline Baseline)> baselines,
        QualifiedName table,
        List<QualifiedName> drop,
        CancellationToken cancellationToken)
    {
        if (!request.WholeMigration || !baselines.TryGetValue(table.ToString(), out var entry) || entry.Baseline.Existed ||
            !await ExistsAsync(connection, transaction, table, cancellationToken))
        {
            return null;
        }

        await using var count = PostgresSession.Command(connection, $"SELECT count(*) FROM {table.Quoted}", transaction);
        var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        drop.Add(table);
        return new TableRollback(table.ToString(), "dropped", rows, true, null);
    }

    private static async Task<TableRollback> RemoveWrittenAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        RecoveryPoint point,
        Dictionary<string, (QualifiedName Name, TableBaseline Baseline)> baselines,
        QualifiedName table,
        CancellationToken cancellationToken)
    {
        var name = table.ToString();
        if (!baselines.TryGetValue(name, out var entry))
        {
            return new TableRollback(name, "unchanged", 0, false, "the table is not in the recovery point of this migration");
        }

        var (kind, _) = await DescribeAsync(connection, transaction, table, cancellationToken);
        if (kind is null)
        {
            return entry.Baseline.Existed
                ? new TableRollback(name, "unchanged", 0, false, "the table existed before the migration and is gone now: restore it from the backup")
                : new TableRollback(name, "unchanged", 0, true, null);
        }

        var sql = RecoverySql.DeleteWrittenSince(table);
        if (kind == 'p')
        {
            sql = sql.Replace("DELETE FROM ONLY ", "DELETE FROM ", StringComparison.Ordinal);
        }

        var removed = await ExecuteAsync(connection, transaction, sql, cancellationToken, new NpgsqlParameter<long> { TypedValue = point.BaselineTransactionId });
        return new TableRollback(name, "deleted", removed, true, null);
    }

    private static async Task<TableRollback> VerifyAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        RollbackRequest request,
        Dictionary<string, (QualifiedName Name, TableBaseline Baseline)> baselines,
        QualifiedName table,
        TableRollback done,
        CancellationToken cancellationToken)
    {
        if (!done.MatchesBaseline || !baselines.TryGetValue(table.ToString(), out var entry))
        {
            return done;
        }

        var baseline = entry.Baseline;
        var (kind, _) = await DescribeAsync(connection, transaction, table, cancellationToken);
        if (!baseline.Existed)
        {
            if (kind is null)
            {
                return done;
            }

            if (request.WholeMigration)
            {
                return done with { MatchesBaseline = false, Issue = "the table the migration created still exists" };
            }

            var (rowsLeft, _) = await ChecksumAsync(connection, transaction, table, [], kind.Value != 'p', cancellationToken);
            return rowsLeft == 0 ? done : done with { MatchesBaseline = false, Issue = $"{rowsLeft:N0} rows remain in a table that was created empty" };
        }

        if (kind is null)
        {
            return done with { MatchesBaseline = false, Issue = "the table is missing" };
        }

        var (rows, checksum) = await ChecksumAsync(connection, transaction, table, baseline.Columns, kind.Value != 'p', cancellationToken);
        if (rows == baseline.Rows && checksum == baseline.Checksum)
        {
            return done;
        }

        return done with
        {
            MatchesBaseline = false,
            Issue = string.Create(CultureInfo.InvariantCulture,
                $"after removing the migration's rows the table holds {rows:N0} rows (before: {baseline.Rows:N0}) and its content checksum " +
                $"{(checksum == baseline.Checksum ? "matches" : "differs")}: rows were changed by someone else since the recovery point; restore the backup instead"),
        };
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = PostgresSession.Command(connection, sql, transaction);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task LogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RollbackRequest request, RollbackResult result, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, RecoverySql.InsertLog(request.ControlSchema), cancellationToken,
            new NpgsqlParameter<string> { TypedValue = request.MigrationId },
            new NpgsqlParameter<string> { TypedValue = request.WholeMigration ? "rollback" : "rollback-tables" },
            new NpgsqlParameter<string> { TypedValue = request.RequestedBy },
            new NpgsqlParameter { Value = request.Reason, NpgsqlDbType = NpgsqlDbType.Text },
            new NpgsqlParameter<bool> { TypedValue = result.Verified },
            new NpgsqlParameter<long> { TypedValue = result.RowsRemoved },
            new NpgsqlParameter<string> { TypedValue = result.Summary },
            new NpgsqlParameter<long> { TypedValue = (long)result.Duration.TotalMilliseconds });

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] rolled back: {Rows} rows removed from {Tables} table(s), checksums equal the baseline ({Milliseconds} ms)")]
    private static partial void LogRolledBack(ILogger logger, string migrationId, long rows, int tables, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "[{MigrationId}] rollback refused, nothing changed: {Summary}")]
    private static partial void LogRollbackRefused(ILogger logger, string migrationId, string summary);
}
