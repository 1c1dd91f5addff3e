namespace Migration.Core.Recovery;

/// <summary>
/// The result of restoring a backup into a scratch place (temporary tables, then discarded) and comparing every
/// table's row count and content checksum with the ones recorded when the backup was taken.
/// </summary>
public sealed record RestoreTestResult(bool Passed, DateTimeOffset TestedAt, TimeSpan Duration, long RowsRestored, IReadOnlyList<string> Issues);
