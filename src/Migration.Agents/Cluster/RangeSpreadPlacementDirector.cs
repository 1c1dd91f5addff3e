using System.Globalization;
using Orleans.Runtime.Placement;

namespace Migration.Agents.Cluster;

/// <summary>
/// Chooses the silo of a range unit keyed "migration/schema.table#n": the compatible silos in a stable order, starting
/// at a table-dependent offset, then one step per range number. A key without a range number goes to a random silo.
/// </summary>
public sealed class RangeSpreadPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        var key = target.GrainIdentity.Key.ToString() ?? "";
        var hash = key.LastIndexOf('#');
        if (hash < 0 || !int.TryParse(key.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var range))
        {
            return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
        }

        var table = StableHash(key.AsSpan(0, hash));
        return Task.FromResult(silos[(int)((table + (uint)range) % (uint)silos.Length)]);
    }

    // FNV-1a: the same on every silo and every run (string.GetHashCode is randomized per process).
    private static uint StableHash(ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
