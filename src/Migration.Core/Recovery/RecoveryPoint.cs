namespace Migration.Core.Recovery;

/// <summary>
/// What a migration needs to be undone, captured once before its first write: the target's transaction id horizon
/// (every row written later has a newer xmin), each table's baseline, and the backup.
/// </summary>
public sealed record RecoveryPoint(string MigrationId, long BaselineTransactionId, DateTimeOffset CapturedAt, IReadOnlyList<TableBaseline> Tables, BackupInfo? Backup);
