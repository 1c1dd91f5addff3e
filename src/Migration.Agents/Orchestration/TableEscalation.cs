using Migration.Core.Agents;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The orchestrator's escalation record of one table (seed L2/L3): failures seen, strategy changes made (smaller
/// pages, one stream, moved after the other tables), whether a person chose to set its bad rows aside without a
/// limit, the last error, and the rows it has quarantined.
/// </summary>
[GenerateSerializer]
public sealed class TableEscalation
{
    [Id(0)] public int Failures { get; set; }
    [Id(1)] public int StrategyChanges { get; set; }
    /// <summary>Pages are divided by this (1: as planned).</summary>
    [Id(2)] public int BatchDivisor { get; set; } = 1;
    [Id(3)] public bool Sequential { get; set; }
    [Id(4)] public bool MovedLater { get; set; }
    /// <summary>A person answered "skip the rows for review": every bad row is set aside, no budget.</summary>
    [Id(5)] public bool SkipBadRows { get; set; }
    [Id(6)] public ErrorContext? LastError { get; set; }
    /// <summary>The failure reported for the run in flight (consumed by the L2 step; a failover leaves none).</summary>
    [Id(7)] public ErrorContext? PendingFailure { get; set; }
    [Id(8)] public long Quarantined { get; set; }
}
