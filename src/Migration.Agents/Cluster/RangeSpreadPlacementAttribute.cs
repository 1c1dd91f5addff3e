using Orleans.Placement;

namespace Migration.Agents.Cluster;

/// <summary>Places a grain keyed "…#n" by <see cref="RangeSpreadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RangeSpreadPlacementAttribute() : PlacementAttribute(RangeSpreadPlacement.Instance);
