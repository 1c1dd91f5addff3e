namespace Migration.Core.Recovery;

/// <summary>
/// A backup of the target tables a migration changes, taken before its first write: a pg_dump archive (custom format)
/// of the tables that held rows and a manifest with every table's baseline (taken in the dump's own snapshot).
/// </summary>
/// <param name="BackupId">Unique id: the migration id and the time it was taken.</param>
/// <param name="FileName">The archive's file name inside the backup directory (no directory: never a machine path).</param>
/// <param name="SizeBytes">Archive size; 0 when no table held rows (nothing to dump).</param>
/// <param name="Duration">Time to take it (snapshot, checksums and pg_dump).</param>
public sealed record BackupInfo(
    string BackupId,
    string MigrationId,
    DateTimeOffset CreatedAt,
    string FileName,
    long SizeBytes,
    TimeSpan Duration,
    IReadOnlyList<TableBaseline> Tables,
    RestoreTestResult? LastRestoreTest)
{
    public long Rows => Tables.Sum(t => t.Rows);
}
