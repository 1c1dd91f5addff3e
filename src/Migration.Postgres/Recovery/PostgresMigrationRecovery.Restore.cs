using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Recovery;
using Migration.Core.Security;
using Migration.Postgres.Catalog;
using Npgsql;

namespace Migration.Postgres.Recovery;

/// <summary>
/// Restore test and restore. The archive's data section is read as pg_restore prints it (<c>--data-only -f -</c>:
/// COPY blocks and setval calls) and loaded through Npgsql in ONE target transaction, so a restore is all or
/// nothing and is checked against the backup's checksums before it commits.
/// </summary>
public sealed partial class PostgresMigrationRecovery
{
    private const string TestTablePrefix = "migration_restore_test_";

    public async Task<RestoreTestResult> TestRestoreAsync(string backupId, string targetConnectionString, CancellationToken cancellationToken = default)
    {
        var backup = await _backups.FindAsync(backupId, cancellationToken) ?? throw new KeyNotFoundException($"No backup '{backupId}'.");
        var started = Stopwatch.GetTimestamp();
        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var names = await ArchiveNamesAsync(connection, transaction, backup, cancellationToken);
        var scratch = new Dictionary<string, QualifiedName>(StringComparer.Ordinal);
        var loaded = await LoadArchiveAsync(connection, backup, copyTarget: (archiveName, columns) =>
        {
            // A temporary table shaped like the original, dropped with the transaction: the scratch restore.
            var table = names[archiveName];
            var temp = new QualifiedName("pg_temp", TestTablePrefix + scratch.Count.ToString(CultureInfo.InvariantCulture));
            scratch[table.Baseline.Table] = temp;
            return ($"CREATE TEMP TABLE {temp.Quoted} (LIKE {table.Name.Quoted}) ON COMMIT DROP", $"COPY {temp.Quoted} {columns} FROM STDIN");
        }, cancellationToken);

        var issues = new List<string>();
        foreach (var baseline in backup.Tables.Where(t => t.Existed && t.Rows > 0))
        {
            if (!scratch.TryGetValue(baseline.Table, out var temp))
            {
                issues.Add($"{baseline.Table}: not in the archive");
                continue;
            }

            var (rows, checksum) = await ChecksumAsync(connection, transaction, temp, baseline.Columns, true, cancellationToken);
            if (rows != baseline.Rows || checksum != baseline.Checksum)
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{baseline.Table}: restored {rows:N0} rows (backed up {baseline.Rows:N0}), checksum {(checksum == baseline.Checksum ? "equal" : "differs")}"));
            }
        }

        await transaction.RollbackAsync(cancellationToken);
        var result = new RestoreTestResult(issues.Count == 0, _clock.GetUtcNow(), Stopwatch.GetElapsedTime(started), loaded, issues);
        await _backups.SaveAsync(backup with { LastRestoreTest = result }, cancellationToken);
        LogRestoreTested(_logger, backupId, result.Passed, loaded, (long)result.Duration.TotalMilliseconds);
        return result;
    }

    public async Task<RestoreTestResult> RestoreAsync(
        string backupId, string targetConnectionString, IReadOnlyList<DeferredConstraint> constraintsToRestore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(constraintsToRestore);
        var backup = await _backups.FindAsync(backupId, cancellationToken) ?? throw new KeyNotFoundException($"No backup '{backupId}'.");
        var started = Stopwatch.GetTimestamp();
        await using var connection = await PostgresSession.OpenAsync(targetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var names = await ArchiveNamesAsync(connection, transaction, backup, cancellationToken);
        var all = backup.Tables.Select(t => (Baseline: t, Name: names.Values.First(n => n.Baseline.Table == t.Table).Name)).ToList();

        // Tables the migration created go; the others are emptied together (foreign keys between them allow it).
        var created = new List<QualifiedName>();
        var existing = new List<QualifiedName>();
        foreach (var (baseline, name) in all)
        {
            if (await ExistsAsync(connection, transaction, name, cancellationToken))
            {
                (baseline.Existed ? existing : created).Add(name);
            }
            else if (baseline.Existed)
            {
                throw new InvalidOperationException($"Table {name} existed when backup {backupId} was taken and is gone now; create it (pg_restore --schema-only of the archive) and restore again.");
            }
        }

        if (created.Count > 0)
        {
            await ExecuteAsync(connection, transaction, $"DROP TABLE {string.Join(", ", created.Select(c => c.Quoted))}", cancellationToken);
        }

        if (existing.Count > 0)
        {
            await ExecuteAsync(connection, transaction, $"TRUNCATE {string.Join(", ", existing.Select(c => c.Quoted))}", cancellationToken);
        }

        var loaded = await LoadArchiveAsync(connection, backup, copyTarget: (archiveName, columns) =>
            (null, $"COPY {names[archiveName].Name.Quoted} {columns} FROM STDIN"), cancellationToken);
        await RestoreConstraintsAsync(connection, transaction, constraintsToRestore, cancellationToken);

        var issues = new List<string>();
        foreach (var (baseline, name) in all.Where(a => a.Baseline.Existed))
        {
            var (kind, _) = await DescribeAsync(connection, transaction, name, cancellationToken);
            var (rows, checksum) = await ChecksumAsync(connection, transaction, name, baseline.Columns, kind != 'p', cancellationToken);
            if (rows != baseline.Rows || checksum != baseline.Checksum)
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{baseline.Table}: {rows:N0} rows after the restore (backed up {baseline.Rows:N0}), checksum {(checksum == baseline.Checksum ? "equal" : "differs")}"));
            }
        }

        if (issues.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        var result = new RestoreTestResult(issues.Count == 0, _clock.GetUtcNow(), Stopwatch.GetElapsedTime(started), loaded, issues);
        LogRestored(_logger, backupId, result.Passed, loaded, created.Count, (long)result.Duration.TotalMilliseconds);
        return result;
    }

    /// <summary>The archive's spelling of each backed-up table (as pg_dump prints it: quote_ident of schema and name).</summary>
    private static async Task<Dictionary<string, (QualifiedName Name, TableBaseline Baseline)>> ArchiveNamesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, BackupInfo backup, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (QualifiedName, TableBaseline)>(StringComparer.Ordinal);
        foreach (var baseline in backup.Tables)
        {
            var name = ParseQualified(baseline.Table);
            await using var command = PostgresSession.Command(connection, "SELECT quote_ident($1) || '.' || quote_ident($2)", transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name.Schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name.Name });
            result[(string)(await command.ExecuteScalarAsync(cancellationToken))!] = (name, baseline);
        }

        return result;
    }

    /// <summary>"schema.table" as written by <see cref="QualifiedName.ToString"/> (the schema holds no dot in practice).</summary>
    private static QualifiedName ParseQualified(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new QualifiedName("public", text) : new QualifiedName(text[..dot], text[(dot + 1)..]);
    }

    /// <summary>
    /// Streams the archive's data through pg_restore and loads each COPY block where <paramref name="copyTarget"/>
    /// says (an optional statement to run first, and the COPY command with the block's column list); setval calls
    /// run as they come. Returns the rows loaded.
    /// </summary>
    private async Task<long> LoadArchiveAsync(
        NpgsqlConnection connection,
        BackupInfo backup,
        Func<string, string, (string? Prepare, string Copy)> copyTarget,
        CancellationToken cancellationToken)
    {
        if (backup.FileName.Length == 0)
        {
            return 0;
        }

        var archive = _backups.ArchivePath(backup);
        if (!File.Exists(archive))
        {
            throw new InvalidOperationException($"The archive of backup {backup.BackupId} is missing from the backup directory.");
        }

        var encrypted = PayloadProtector.IsProtectedFile(archive);
        if (encrypted && _protector is null)
        {
            throw new InvalidOperationException(
                $"The archive of backup {backup.BackupId} is encrypted and no encryption key is configured (Security:Encryption).");
        }

        // An encrypted archive is decrypted into pg_restore's standard input (pg_restore reads a custom-format
        // archive sequentially from a pipe), so the plain archive never touches the disk.
        using var process = _tools.Start("pg_restore", encrypted ? ["--data-only", "--file=-"] : ["--data-only", "--file=-", archive],
            connection.ConnectionString, redirectOutput: true, redirectInput: encrypted);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var feed = encrypted ? FeedDecryptedAsync(_protector!, archive, backup.BackupId, process, cancellationToken) : Task.CompletedTask;
        var output = process.StandardOutput;
        long rows = 0;
        while (await output.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal) && line.EndsWith(" FROM stdin;", StringComparison.Ordinal))
            {
                var body = line["COPY ".Length..^" FROM stdin;".Length];
                var open = body.IndexOf(" (", StringComparison.Ordinal);
                var archiveName = open < 0 ? body : body[..open];
                var columns = open < 0 ? "" : body[(open + 1)..];
                var (prepare, copy) = copyTarget(archiveName, columns);
                if (prepare is not null)
                {
                    await using var command = PostgresSession.Command(connection, prepare);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var writer = await connection.BeginTextImportAsync(copy, cancellationToken);
                while (await output.ReadLineAsync(cancellationToken) is { } data && data != "\\.")
                {
                    await writer.WriteAsync(data.AsMemory(), cancellationToken);
                    await writer.WriteAsync("\n".AsMemory(), cancellationToken);
                    rows++;
                }
            }
            else if (line.StartsWith("SELECT pg_catalog.setval(", StringComparison.Ordinal))
            {
                await using var command = PostgresSession.Command(connection, line);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await PostgresTools.WaitAsync(process, cancellationToken);
        var stderr = await errors;
        // A tampered or truncated archive fails here, before pg_restore's view of the cut stream is reported.
        await feed;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_restore failed (exit {process.ExitCode}) reading backup {backup.BackupId}: {stderr.Trim()}");
        }

        return rows;
    }

    private static async Task FeedDecryptedAsync(
        PayloadProtector protector, string archive, string backupId, Process process, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var input = process.StandardInput.BaseStream;
        try
        {
            await using var file = File.OpenRead(archive);
            await protector.UnprotectStreamAsync(file, input, ArchiveContext(backupId), cancellationToken);
        }
        catch (IOException) when (process.HasExited)
        {
            // pg_restore stopped reading (it failed on its own): its exit code and message tell why.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The pipe is already broken because pg_restore exited.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {BackupId} restore test: passed {Passed}, {Rows} rows restored into scratch tables in {Milliseconds} ms")]
    private static partial void LogRestoreTested(ILogger logger, string backupId, bool passed, long rows, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup {BackupId} restored into the target: committed {Passed}, {Rows} rows loaded, {Dropped} created table(s) dropped, {Milliseconds} ms")]
    private static partial void LogRestored(ILogger logger, string backupId, bool passed, long rows, int dropped, long milliseconds);
}
