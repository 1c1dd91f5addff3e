using Orleans.Concurrency;

namespace Migration.Agents.Cluster;

/// <summary>
/// Placement of range units: the key ranges of one table go round the cluster's silos in turn (range n of a table on
/// silo (hash(table) + n) mod silos), so a table cut into k ranges on s servers puts k/s ranges on each, even when all
/// ranges start in the same instant (load-based placement sees stale counts then and piles them onto one silo).
/// </summary>
[GenerateSerializer]
[Immutable]
[SuppressReferenceTracking]
public sealed class RangeSpreadPlacement : PlacementStrategy
{
    internal static readonly RangeSpreadPlacement Instance = new();
}
