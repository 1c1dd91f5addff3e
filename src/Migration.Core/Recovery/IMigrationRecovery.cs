namespace Migration.Core.Recovery;

/// <summary>
/// Seed level 4 and disaster recovery: a recovery point (baseline + backup) before a migration writes, verified
/// rollback of what it wrote, and backups with retention, restore tests and restore.
/// </summary>
public interface IMigrationRecovery
{
    /// <summary>
    /// Captures the recovery point once (later calls return the first one): the transaction id horizon, each table's
    /// baseline and, when backups are enabled, a pg_dump of the tables holding rows, restore-tested if configured.
    /// </summary>
    Task<RecoveryPoint> CaptureAsync(RecoveryPointRequest request, CancellationToken cancellationToken = default);

    /// <summary>The recovery point of a migration, null when it never wrote.</summary>
    Task<RecoveryPoint?> GetRecoveryPointAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the rows the migration wrote and its control state in ONE target transaction, checks every table
    /// against its baseline inside that transaction and commits only when all match.
    /// </summary>
    Task<RollbackResult> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default);

    /// <summary>Backups in the backup directory, newest first; only those of <paramref name="migrationId"/> when given.</summary>
    Task<IReadOnlyList<BackupInfo>> ListBackupsAsync(string? migrationId, CancellationToken cancellationToken = default);

    /// <summary>Restores a backup into temporary tables of the target and compares counts and checksums; changes nothing.</summary>
    Task<RestoreTestResult> TestRestoreAsync(string backupId, string targetConnectionString, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts the backed-up tables back as they were (one transaction: tables the migration created dropped, the others
    /// emptied and reloaded from the archive, checksums verified before commit).
    /// </summary>
    Task<RestoreTestResult> RestoreAsync(string backupId, string targetConnectionString, IReadOnlyList<Planning.DeferredConstraint> constraintsToRestore, CancellationToken cancellationToken = default);

    /// <summary>Deletes backups beyond the retention (count and age); returns the ids deleted.</summary>
    Task<IReadOnlyList<string>> ApplyRetentionAsync(CancellationToken cancellationToken = default);
}
