using Migration.Core.Execution;

namespace Migration.Agents.Abstractions;

/// <summary>
/// Migration Execution agent for one table (key = "migrationId/schema.table"). Copies in the background from the
/// table's checkpoint and reports every committed page to the orchestrator. Placed on any silo.
/// </summary>
public interface ITableCopyGrain : IGrainWithStringKey
{
    /// <summary>Starts (or keeps running) the copy; returns at once.</summary>
    Task StartAsync(TableCopyRequest request);

    /// <summary>Stops after the page in flight is rolled back; the checkpoint stays.</summary>
    Task StopAsync();

    Task<bool> IsRunningAsync();
}
