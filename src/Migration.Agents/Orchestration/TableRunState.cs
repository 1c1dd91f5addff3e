using Migration.Core.Migrations;

namespace Migration.Agents.Orchestration;

/// <summary>What the orchestrator knows about one table's copy. The checkpoint in the target is the truth for resume.</summary>
[GenerateSerializer]
public sealed class TableRunState
{
    [Id(0)] public TableStatus Status { get; set; }
    [Id(1)] public long RowsTotal { get; set; }
    [Id(2)] public long RowsCopied { get; set; }
    [Id(3)] public long RowsCopiedThisRun { get; set; }
    [Id(4)] public int BatchesCompleted { get; set; }
    [Id(5)] public int CurrentBatchSize { get; set; }
    [Id(6)] public int BatchSizeAdjustments { get; set; }
    [Id(7)] public DateTimeOffset? StartedAt { get; set; }
    [Id(8)] public DateTimeOffset? RunStartedAt { get; set; }
    [Id(9)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(10)] public TimeSpan LastBatchDuration { get; set; }
    [Id(11)] public TimeSpan TotalBatchDuration { get; set; }
    [Id(12)] public int BatchesThisRun { get; set; }
    [Id(13)] public string? Error { get; set; }
    /// <summary>The number of the table's current start (reports of other starts are stale and ignored).</summary>
    [Id(14)] public int Run { get; set; }
}
