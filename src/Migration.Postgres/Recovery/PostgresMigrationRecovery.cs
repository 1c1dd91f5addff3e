using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Recovery;
using Migration.Core.Security;
using Migration.Postgres.Catalog;
using Migration.Postgres.Schema;
using Migration.Postgres.Validation;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Recovery;

/// <summary>
/// Recovery on a PostgreSQL target (seed level 4 and "Disaster Recovery"):
/// <list type="bullet">
/// <item>Recovery point, once per migration before its first write: in ONE repeatable-read transaction of the
/// target, the transaction id horizon (<c>txid_current()</c>), each table's baseline (exists, count, content
/// checksum) and, with backups on, <c>pg_dump --snapshot</c> of that same snapshot for the tables holding rows
/// (empty and missing tables cost nothing), then a restore test of the archive.</item>
/// <item>Rollback: every row the migration wrote has an xmin newer than the horizon (a page's rows, its id mappings
/// and its checkpoint commit in the page's transaction; quarantine and bisected sub-batches included), so
/// <c>DELETE … WHERE age(xmin) &lt; age(horizon)</c> removes exactly them, on keyed and key-less tables alike; tables
/// the migration created are dropped; constraints it set aside are put back; its checkpoints, control rows,
/// quarantine rows and id mappings go. All in one transaction that re-computes every table's checksum and commits
/// only when each equals its baseline.</item>
/// <item>Backups: retention by count and age; restore test into temporary tables; restore in one transaction.</item>
/// </list>
/// The target tables are assumed to be written only by the migration while it runs (what the rollback removes is
/// "written since the recovery point"); a change by someone else shows up as a checksum mismatch and the rollback
/// refuses to commit, pointing at the backup.
/// </summary>
public sealed partial class PostgresMigrationRecovery : IMigrationRecovery
{
    private readonly RecoveryOptions _options;
    private readonly PostgresTools _tools;
    private readonly BackupStore _backups;
    private readonly TimeProvider _clock;
    private readonly ILogger<PostgresMigrationRecovery> _logger;
    private readonly PayloadProtector? _protector;

    /// <param name="protector">When given (an encryption key is configured), backup archives are written encrypted.</param>
    public PostgresMigrationRecovery(
        IOptions<RecoveryOptions> options,
        TimeProvider clock,
        ILogger<PostgresMigrationRecovery> logger,
        PayloadProtector? protector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _tools = new PostgresTools(_options);
        _backups = new BackupStore(_options);
        _clock = clock;
        _logger = logger;
        _protector = protector;
    }

    public async Task<RecoveryPoint> CaptureAsync(RecoveryPointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await EnsureTablesAsync(request.TargetConnectionString, request.ControlSchema, cancellationToken);
        if (await GetRecoveryPointAsync(request.TargetConnectionString, request.ControlSchema, request.MigrationId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var started = Stopwatch.GetTimestamp();
        var now = _clock.GetUtcNow();
        await using var connection = await PostgresSession.OpenAsync(request.TargetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        long horizon;
        string snapshot;
        await using (var command = PostgresSession.Command(connection, "SELECT txid_current(), pg_export_snapshot()", transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            horizon = reader.GetInt64(0);
            snapshot = reader.GetString(1);
        }

        var baselines = new List<(QualifiedName Name, TableBaseline Baseline)>();
        foreach (var table in request.Tables.Distinct())
        {
            baselines.Add(await MeasureAsync(connection, transaction, table, cancellationToken));
        }

        BackupInfo? backup = null;
        if (_options.BackupBeforeWrite)
        {
            backup = await DumpAsync(request, snapshot, baselines, now, started, cancellationToken);
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            var point = new NpgsqlBatchCommand(RecoverySql.InsertPoint(request.ControlSchema));
            point.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
            point.Parameters.Add(new NpgsqlParameter<long> { TypedValue = horizon });
            point.Parameters.Add(new NpgsqlParameter { Value = (object?)backup?.BackupId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(point);
            foreach (var (name, baseline) in baselines)
            {
                var row = new NpgsqlBatchCommand(RecoverySql.InsertBaseline(request.ControlSchema));
                row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
                row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = baseline.Table });
                row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name.Schema });
                row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name.Name });
                row.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = baseline.Existed });
                row.Parameters.Add(new NpgsqlParameter<long> { TypedValue = baseline.Rows });
                row.Parameters.Add(new NpgsqlParameter<string> { TypedValue = baseline.Checksum });
                row.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = baseline.Columns.ToArray() });
                batch.BatchCommands.Add(row);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (backup is not null && _options.TestRestoreAfterBackup)
        {
            var test = await TestRestoreAsync(backup.BackupId, request.TargetConnectionString, cancellationToken);
            backup = backup with { LastRestoreTest = test };
            if (!test.Passed)
            {
                throw new InvalidOperationException(
                    $"The backup {backup.BackupId} failed its restore test ({string.Join("; ", test.Issues)}); nothing was written to the target.");
            }
        }

        if (backup is not null)
        {
            await ApplyRetentionAsync(cancellationToken);
        }

        var result = new RecoveryPoint(request.MigrationId, horizon, now, baselines.Select(b => b.Baseline).ToList(), backup);
        LogCaptured(_logger, request.MigrationId, result.Tables.Count, result.Tables.Sum(t => t.Rows), backup?.BackupId ?? "-",
            backup?.SizeBytes ?? 0, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    public async Task<RecoveryPoint?> GetRecoveryPointAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using (var exists = PostgresSession.Command(connection, "SELECT to_regclass($1) IS NOT NULL"))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{QualifiedName.QuoteIdentifier(controlSchema)}.recovery_points" });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }

        long horizon;
        DateTimeOffset captured;
        string? backupId;
        await using (var command = PostgresSession.Command(connection, RecoverySql.SelectPoint(controlSchema)))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            horizon = reader.GetInt64(0);
            captured = reader.GetFieldValue<DateTimeOffset>(1);
            backupId = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        var tables = (await ReadBaselineAsync(connection, null, controlSchema, migrationId, cancellationToken)).Values.Select(b => b.Baseline).ToList();
        var backup = backupId is null ? null : await _backups.FindAsync(backupId, cancellationToken);
        return new RecoveryPoint(migrationId, horizon, captured, tables, backup);
    }

    public async Task<IReadOnlyList<BackupInfo>> ListBackupsAsync(string? migrationId, CancellationToken cancellationToken = default)
    {
        var all = await _backups.ListAsync(cancellationToken);
        return migrationId is null ? all : all.Where(b => b.MigrationId == migrationId).ToList();
    }

    public async Task<IReadOnlyList<string>> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        var all = await _backups.ListAsync(cancellationToken);
        var now = _clock.GetUtcNow();
        var expired = all
            .Where((b, index) => (_options.KeepBackups > 0 && index >= _options.KeepBackups) ||
                                 (_options.RetentionDays > 0 && now - b.CreatedAt > TimeSpan.FromDays(_options.RetentionDays)))
            .ToList();
        foreach (var backup in expired)
        {
            _backups.Delete(backup);
            LogBackupExpired(_logger, backup.BackupId, backup.CreatedAt);
        }

        return expired.Select(b => b.BackupId).ToList();
    }

    private async Task<BackupInfo> DumpAsync(
        RecoveryPointRequest request,
        string snapshot,
        IReadOnlyList<(QualifiedName Name, TableBaseline Baseline)> baselines,
        DateTimeOffset now,
        long started,
        CancellationToken cancellationToken)
    {
        var id = BackupStore.NewId(request.MigrationId, now);
        var withRows = baselines.Where(b => b.Baseline.Existed && b.Baseline.Rows > 0).ToList();
        var fileName = "";
        long size = 0;
        if (withRows.Count > 0)
        {
            Directory.CreateDirectory(_backups.Directory);
            var path = _backups.ArchivePath(id, encrypted: _protector is not null);
            var arguments = new List<string> { "--format=custom", "--snapshot=" + snapshot, "--no-owner", "--no-privileges" };
            foreach (var (name, _) in withRows)
            {
                arguments.Add("--table=" + name.Quoted);
            }

            if (_protector is null)
            {
                await _tools.RunAsync("pg_dump", [.. arguments, "--file=" + path], request.TargetConnectionString, cancellationToken);
            }
            else
            {
                await DumpEncryptedAsync(_protector, arguments, path, id, request.TargetConnectionString, cancellationToken);
            }

            fileName = Path.GetFileName(path);
            size = new FileInfo(path).Length;
        }

        var backup = new BackupInfo(id, request.MigrationId, now, fileName, size, Stopwatch.GetElapsedTime(started),
            baselines.Select(b => b.Baseline).ToList(), null);
        await _backups.SaveAsync(backup, cancellationToken);
        LogBackupTaken(_logger, id, withRows.Count, baselines.Count, size, (long)backup.Duration.TotalMilliseconds);
        return backup;
    }

    /// <summary>
    /// pg_dump to its standard output, encrypted on the way into the archive file: the plain archive never touches
    /// the disk. Written under a temporary name and renamed when complete.
    /// </summary>
    private async Task DumpEncryptedAsync(
        PayloadProtector protector, List<string> arguments, string path, string backupId, string targetConnectionString, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        try
        {
            using var process = _tools.Start("pg_dump", arguments, targetConnectionString, redirectOutput: true);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await using (var file = File.Create(temporary))
            {
                await protector.ProtectStreamAsync(process.StandardOutput.BaseStream, file, ArchiveContext(backupId), cancellationToken);
            }

            await PostgresTools.WaitAsync(process, cancellationToken);
            var stderr = await errors;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pg_dump failed (exit {process.ExitCode}): {stderr.Trim()}");
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>An archive is bound to its backup id: an archive renamed to another backup does not decrypt.</summary>
    private static string ArchiveContext(string backupId) => "backup:" + backupId;

    private async Task EnsureTablesAsync(string targetConnectionString, string controlSchema, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = PostgresSession.Command(connection, "SELECT pg_advisory_xact_lock($1, hashtext($2))", transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Control.ControlSchemaSql.SchemaLockClass });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = controlSchema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddl = PostgresSession.Command(connection, Control.ControlSchemaSql.CreateSchema(controlSchema) + RecoverySql.CreateTables(controlSchema), transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Exists, kind, columns, count and checksum of a table, read in the caller's transaction.</summary>
    private static async Task<(QualifiedName Name, TableBaseline Baseline)> MeasureAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, QualifiedName table, CancellationToken cancellationToken)
    {
        var (kind, columns) = await DescribeAsync(connection, transaction, table, cancellationToken);
        if (kind is null)
        {
            return (table, new TableBaseline(table.ToString(), false, 0, "0", []));
        }

        var (rows, checksum) = await ChecksumAsync(connection, transaction, table, columns, kind.Value != 'p', cancellationToken);
        return (table, new TableBaseline(table.ToString(), true, rows, checksum, columns));
    }

    private static async Task<(char? Kind, IReadOnlyList<string> Columns)> DescribeAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, $"SELECT c.relkind::text, ({RecoverySql.Columns}) FROM pg_class c WHERE c.oid = to_regclass($1)", transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, []);
        }

        return (reader.GetString(0)[0], reader.GetFieldValue<string[]>(1));
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, QualifiedName table, IReadOnlyList<string> columns, bool only, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, ValidationQueries.CountAndChecksum(table, columns, only), transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<Dictionary<string, (QualifiedName Name, TableBaseline Baseline)>> ReadBaselineAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string controlSchema, string migrationId, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, RecoverySql.SelectBaseline(controlSchema), transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new Dictionary<string, (QualifiedName, TableBaseline)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var baseline = new TableBaseline(reader.GetString(0), reader.GetBoolean(1), reader.GetInt64(2), reader.GetString(3), reader.GetFieldValue<string[]>(4));
            result[baseline.Table] = (new QualifiedName(reader.GetString(5), reader.GetString(6)), baseline);
        }

        return result;
    }

    private static async Task<bool> HasConstraintAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DeferredConstraint constraint, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection,
            "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2)", transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = constraint.Table.Quoted });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = constraint.Name });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, "SELECT to_regclass($1) IS NOT NULL", transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task RestoreConstraintsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<DeferredConstraint> constraints, CancellationToken cancellationToken)
    {
        foreach (var constraint in constraints)
        {
            var tablesExist = true;
            foreach (var table in constraint.Tables.Append(constraint.Table))
            {
                tablesExist &= await ExistsAsync(connection, transaction, table, cancellationToken);
            }

            if (tablesExist &&
                !await HasConstraintAsync(connection, transaction, constraint, cancellationToken))
            {
                await using var add = PostgresSession.Command(connection, SchemaDdl.AddConstraint(constraint.Table, constraint.Name, constraint.Definition), transaction);
                await add.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] recovery point: {Tables} table(s), {Rows} rows before the migration, backup {BackupId} ({Bytes} bytes) in {Milliseconds} ms")]
    private static partial void LogCaptured(ILogger logger, string migrationId, int tables, long rows, string backupId, long bytes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {BackupId}: {Dumped} of {Tables} table(s) held rows and were dumped ({Bytes} bytes) in {Milliseconds} ms")]
    private static partial void LogBackupTaken(ILogger logger, string backupId, int dumped, int tables, long bytes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {BackupId} of {CreatedAt:u} deleted (retention)")]
    private static partial void LogBackupExpired(ILogger logger, string backupId, DateTimeOffset createdAt);
}
