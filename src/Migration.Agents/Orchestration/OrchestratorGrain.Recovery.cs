using Migration.Agents.Cluster;
using Migration.Core.Agents;
using Migration.Core.Catalog;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Core.Recovery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Migration.Agents.Orchestration;

/// <summary>
/// Seed level 4 and the run-once guarantee: the recovery point (baseline + backup) captured before the first write,
/// the verified rollback (whole migration, or some tables and retry), restore from the backup, and the execution
/// lease on the target that the driver holds while it runs (an instance that cannot get it watches and waits).
/// </summary>
public sealed partial class OrchestratorGrain
{
    private static readonly TimeSpan LeaseRetryInterval = TimeSpan.FromSeconds(2);
    private const int LeaseUnreachableAttempts = 15;
    private static readonly TimeSpan CopyStopTimeout = TimeSpan.FromSeconds(60);

    private IMigrationRecovery? Recovery => ServiceProvider.GetService<IMigrationRecovery>();

    private IExecutionLeases? Leases => ServiceProvider.GetService<IExecutionLeases>();

    public async Task<RollbackResult> RollbackAsync(RollbackCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        EnsureExists();
        if (S.Phase is MigrationPhase.RolledBack or MigrationPhase.Discovery or MigrationPhase.Planning or MigrationPhase.Mapping)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "roll back");
        }

        var recovery = Recovery ?? throw new InvalidOperationException("Rollback is not available: no recovery service is configured.");
        var plan = S.Plan ?? throw MigrationErrors.WrongPhase(Id, S.Phase, "roll back");
        var selected = SelectTables(command.Tables);
        var reason = string.IsNullOrWhiteSpace(command.Reason) ? "rollback requested" : command.Reason;
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.TaskDelegation,
            $"roll back {(command.WholeMigration ? "the whole migration" : string.Join(", ", selected.Select(t => t.Table)))}: {reason}",
            MessagePriority.Critical);

        await StopDriverAsync();
        await WaitForCopiesToStopAsync(selected, "roll back");
        var target = S.Command!;
        await using var lease = await AcquireLeaseForChangeAsync("roll back");
        // A whole rollback also removes the placeholder parents the migration created (their tables were measured at the
        // recovery point like the migration's own).
        var tables = selected.Select(t => t.Mapping.Target).ToList();
        if (command.WholeMigration)
        {
            tables.AddRange(PlaceholderParentTables().Where(p => !tables.Contains(p)));
        }

        var request = new RollbackRequest(Id, target.TargetConnectionString, target.Options.ControlSchema,
            tables, selected.Select(t => t.Table.ToString()).ToList(), command.WholeMigration,
            plan.DeferredConstraints, command.RequestedBy, reason);
        var result = await recovery.RollbackAsync(request);
        var now = clock.GetUtcNow();
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), "Roll back the migration?", ["rollback"],
            "Removes every row the migration wrote; the target returns to its state before the migration.", "", result.Verified ? "rolled back" : "rollback refused",
            command.RequestedBy, now, reason));
        if (!result.Verified)
        {
            var error = new ErrorContext(AgentId.Orchestrator, S.Phase, "rollback", null, 0, result.Summary, null, null, null,
                ["restore the backup", "resume"], $"phase {S.Phase}", EscalationLevel: 4);
            await EmitAsync(AgentId.Orchestrator, new ErrorPayload(error));
            await journal.SendAsync(Id, AgentId.MigrationExecution, AgentId.Orchestrator, AgentMessageType.ErrorReport, result.Summary, MessagePriority.Critical);
            await SaveAsync();
            return result;
        }

        foreach (var table in selected)
        {
            S.Tables[table.Table.ToString()] = new TableRunState { RowsTotal = table.EstimatedRows, CurrentBatchSize = table.InitialBatchSize };
        }

        await journal.SendAsync(Id, AgentId.MigrationExecution, AgentId.Orchestrator, AgentMessageType.StatusUpdate, result.Summary, MessagePriority.High);
        LogRolledBack(logger, Id, command.RequestedBy, result.RowsRemoved);
        if (command.WholeMigration)
        {
            S.TargetPrepared = false;
            S.TargetFinished = false;
            S.Validation = null;
            S.Error = $"Rolled back by {command.RequestedBy}: {reason}. {result.Summary}";
            await ChangePhaseAsync(MigrationPhase.RolledBack, S.Error);
            await FinishAsync();
        }
        else
        {
            S.TargetFinished = false;
            S.Validation = null;
            S.Error = null;
            if (command.Retry)
            {
                S.PausedPhase = null;
                await ChangePhaseAsync(MigrationPhase.Execution, $"rolled back and retrying: {reason}");
                await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            }
            else
            {
                S.PausedPhase = MigrationPhase.Execution;
                await ChangePhaseAsync(MigrationPhase.Paused, $"{selected.Count} table(s) rolled back; resume copies them again: {reason}");
            }

            await SaveAsync();
        }

        await lease.DisposeAsync();
        EnsureDriver();
        return result;
    }

    public async Task<RestoreTestResult> RestoreBackupAsync(string backupId, string requestedBy, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupId);
        EnsureExists();
        var recovery = Recovery ?? throw new InvalidOperationException("Restore is not available: no recovery service is configured.");
        var backups = await recovery.ListBackupsAsync(Id);
        if (backups.All(b => b.BackupId != backupId))
        {
            throw new KeyNotFoundException($"Migration '{Id}' has no backup '{backupId}'.");
        }

        await StopDriverAsync();
        await using var lease = await AcquireLeaseForChangeAsync("restore");
        var result = await recovery.RestoreAsync(backupId, S.Command!.TargetConnectionString, S.Plan?.DeferredConstraints ?? []);
        var why = string.IsNullOrWhiteSpace(reason) ? "restore requested" : reason;
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), $"Restore backup {backupId}?", ["restore"],
            "Replaces the content of the backed-up tables with the backup's.", "", result.Passed ? "restored" : "restore failed", requestedBy,
            clock.GetUtcNow(), why));
        if (result.Passed)
        {
            S.Error = $"Restored from backup {backupId} by {requestedBy}: {why}.";
            S.TargetPrepared = false;
            S.TargetFinished = false;
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.User, AgentMessageType.StatusUpdate,
                $"backup {backupId} restored: {result.RowsRestored:N0} rows, counts and checksums equal the backup's", MessagePriority.High);
            if (S.Phase != MigrationPhase.RolledBack)
            {
                await ChangePhaseAsync(MigrationPhase.RolledBack, S.Error);
                await FinishAsync();
            }
        }
        else
        {
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.User, AgentMessageType.ErrorReport,
                $"restore of {backupId} failed, nothing changed: {string.Join("; ", result.Issues)}", MessagePriority.Critical);
        }

        await SaveAsync();
        return result;
    }

    /// <summary>Before the first write (once): baseline of every target table and the backup (see IMigrationRecovery).</summary>
    private async Task CaptureRecoveryPointAsync(CancellationToken cancellationToken)
    {
        if (Recovery is not { } recovery || S.Command is not { } command || S.Plan is not { } plan)
        {
            return;
        }

        var point = await recovery.CaptureAsync(new RecoveryPointRequest(Id, command.TargetConnectionString, command.Options.ControlSchema,
            [.. plan.Tables.Select(t => t.Mapping.Target), .. PlaceholderParentTables()]), cancellationToken);
        if (point.Backup is { } backup)
        {
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.StatusUpdate,
                $"recovery point: backup {backup.BackupId} ({backup.Rows:N0} rows in {backup.Tables.Count(t => t.Rows > 0)} table(s), " +
                $"{backup.SizeBytes:N0} bytes{(backup.LastRestoreTest is { Passed: true } ? ", restore-tested" : "")})");
        }
    }

    /// <summary>
    /// The driver under the execution lease: only the holder of the target's advisory lock copies. An instance that
    /// cannot get it watches (retries every few seconds) and, once it has it, reloads the state the other one left.
    /// </summary>
    private async Task DriveUnderLeaseAsync(CancellationToken cancellationToken)
    {
        if (Leases is not { } leases || S.Command is not { } command)
        {
            await DriveAsync(cancellationToken);
            return;
        }

        IExecutionLease? lease = null;
        try
        {
            var waited = false;
            for (var unreachable = 0; lease is null;)
            {
                var reached = false;
                try
                {
                    lease = await leases.TryAcquireAsync(command.TargetConnectionString, Id, cancellationToken);
                    reached = true;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ++unreachable < LeaseUnreachableAttempts)
                {
                    LogLeaseUnreachable(logger, Id, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The target stays unreachable: let the driver fail with the real error.
                    LogLeaseUnreachable(logger, Id, ex.Message);
                    break;
                }

                if (lease is not null)
                {
                    break;
                }

                if (reached && !waited)
                {
                    waited = true;
                    LogWatching(logger, Id, await leases.DescribeHolderAsync(command.TargetConnectionString, Id, cancellationToken) ?? "another session");
                }

                await Task.Delay(LeaseRetryInterval, clock, cancellationToken);
            }

            if (waited)
            {
                // The other instance drove it meanwhile: continue from what it saved, not from this activation's memory.
                await state.ReadStateAsync();
                if (S.Phase is not (MigrationPhase.Execution or MigrationPhase.Validation))
                {
                    return;
                }
            }

            await DriveAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogDriverStopped(logger, Id);
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    /// <summary>FAILED_PRECONDITION (InvalidOperationException) when another instance executes this migration.</summary>
    private async Task EnsureNotExecutingElsewhereAsync(string action)
    {
        if (Leases is { } leases && S.Command is { } command &&
            await leases.DescribeHolderAsync(command.TargetConnectionString, Id) is { } holder)
        {
            throw new InvalidOperationException($"Cannot {action} migration '{Id}': it is executing on another server instance ({holder}).");
        }
    }

    private async Task<IAsyncDisposable> AcquireLeaseForChangeAsync(string action)
    {
        if (Leases is not { } leases)
        {
            return NoLease.Instance;
        }

        var lease = await leases.TryAcquireAsync(S.Command!.TargetConnectionString, Id);
        return lease ?? throw new InvalidOperationException(
            $"Cannot {action} migration '{Id}': it is executing on another server instance " +
            $"({await leases.DescribeHolderAsync(S.Command!.TargetConnectionString, Id) ?? "another session"}); pause it there first.");
    }

    /// <summary>
    /// Held while a migration is created (analysis and planning, before its state is first saved), so that another
    /// instance can tell a creation in progress from one that died with its server.
    /// </summary>
    private async Task<IAsyncDisposable> HoldLeaseWhileCreatingAsync(CreateMigrationCommand command)
    {
        try
        {
            return Leases is { } leases && await leases.TryAcquireAsync(command.TargetConnectionString, Id) is { } lease ? lease : NoLease.Instance;
        }
        catch (Npgsql.NpgsqlException)
        {
            return NoLease.Instance; // the analysis reports the unreachable target itself
        }
    }

    /// <summary>
    /// A rollback removes what the copies wrote, so none may still be writing: waits (up to
    /// <see cref="CopyStopTimeout"/>) until the copy agent of every table concerned has ended its run, and refuses
    /// (FAILED_PRECONDITION, nothing changed) when one has not.
    /// </summary>
    private async Task WaitForCopiesToStopAsync(IReadOnlyList<Core.Planning.TablePlan> tables, string action)
    {
        var deadline = clock.GetUtcNow() + CopyStopTimeout;
        foreach (var table in tables)
        {
            var name = table.Table.ToString();
            while (await GrainFailover.CallAsync(() => TableGrain(name).IsRunningAsync(), clock, CancellationToken.None))
            {
                if (clock.GetUtcNow() >= deadline)
                {
                    EnsureDriver(); // nothing was changed: the migration goes on
                    throw new InvalidOperationException(
                        $"Cannot {action} migration '{Id}': the copy of {name} has not stopped yet (its page in flight is still being rolled back); try again in a moment.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), clock);
            }
        }
    }

    private List<Core.Planning.TablePlan> SelectTables(IReadOnlyList<string>? names)
    {
        // Children before parents: the tables of later waves reference those of earlier ones.
        var ordered = S.Plan!.Tables.OrderByDescending(t => t.Wave).ThenBy(t => t.Table).ToList();
        if (names is null || names.Count == 0)
        {
            return ordered;
        }

        var unknown = names.Where(n => ordered.All(t => t.Table.ToString() != n && t.Table.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Migration '{Id}' has no table {string.Join(", ", unknown)}.", nameof(names));
        }

        return ordered.Where(t => names.Contains(t.Table.ToString()) || names.Contains(t.Table.Name)).ToList();
    }

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] rolled back by {RequestedBy}: {Rows} rows removed")]
    private static partial void LogRolledBack(ILogger logger, string migrationId, string requestedBy, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] executing on another server instance ({Holder}); watching until it is free")]
    private static partial void LogWatching(ILogger logger, string migrationId, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] cannot reach the target for the execution lease: {Reason}")]
    private static partial void LogLeaseUnreachable(ILogger logger, string migrationId, string reason);
}
