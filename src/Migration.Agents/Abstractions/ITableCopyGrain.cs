using Migration.Core.Agents;
using Migration.Core.Execution;
using Orleans.Concurrency;

namespace Migration.Agents.Abstractions;

/// <summary>
/// Migration Execution agent for one table (key = "migrationId/schema.table"). Cuts the table into its key ranges
/// (once; the cut is recorded in the target), runs each range as its own <see cref="IRangeCopyGrain"/> (placed on any
/// silo of the cluster), at most <see cref="TableCopyRequest.Parallelism"/> at once, restarts a range whose silo died,
/// and reports the table's pages and its completion to the orchestrator.
/// </summary>
public interface ITableCopyGrain : IGrainWithStringKey
{
    /// <summary>Starts (or keeps running) the copy; returns at once.</summary>
    Task StartAsync(TableCopyRequest request);

    /// <summary>Stops after the page in flight is rolled back; the checkpoint stays.</summary>
    Task StopAsync();

    Task<bool> IsRunningAsync();

    // Messages from the range agents: short, and interleaved so they never wait behind a stop.
    [AlwaysInterleave]
    Task ReportRangeBatchAsync(int range, BatchResult batch);

    [AlwaysInterleave]
    Task ReportRangeCompletedAsync(RangeCopyResult result);

    [AlwaysInterleave]
    Task ReportRangeFailedAsync(int range, ErrorContext error);
}
