namespace Migration.Core.Migrations;

/// <summary>Live progress of one table. Rates and ETA come from this run's pages (not from estimates).</summary>
public sealed record TableProgressSnapshot(
    string Table,
    TableStatus Status,
    long RowsTotal,
    long RowsCopied,
    double RowsPerSecond,
    TimeSpan? EstimatedRemaining,
    int CurrentBatchSize,
    int BatchesCompleted,
    int Wave,
    WritePath WritePath,
    TimeSpan LastBatchDuration,
    TimeSpan AverageBatchDuration,
    int BatchSizeAdjustments,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error)
{
    /// <summary>Rows set aside in the quarantine (source rows = copied + quarantined).</summary>
    public long RowsQuarantined { get; init; }
}
