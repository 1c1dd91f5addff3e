using Migration.Core.Execution;
using Orleans.Concurrency;

namespace Migration.Agents.Abstractions;

/// <summary>
/// Migration Execution agent for ONE key range of a table (key = "migrationId/schema.table#range"): the unit of copy
/// work that a cluster spreads across its servers. Copies in the background from the range's checkpoint to its end,
/// reports every committed page to the table's <see cref="ITableCopyGrain"/>, and keeps its outcome while active. If
/// its server dies, the next call activates it on a survivor, idle: started again, it continues from the checkpoint.
/// </summary>
public interface IRangeCopyGrain : IGrainWithStringKey
{
    /// <summary>Starts (or keeps running) the copy of range <paramref name="range"/>; returns at once.</summary>
    Task StartAsync(TableCopyRequest request, int range);

    /// <summary>Stops after the page in flight is rolled back; the checkpoint stays.</summary>
    [AlwaysInterleave]
    Task StopAsync();

    [AlwaysInterleave]
    Task<RangeRunStatus> GetStatusAsync();
}
