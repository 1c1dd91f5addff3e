using System.Globalization;
using Migration.Contracts.V1;

namespace Migration.Cli.Rendering;

/// <summary>The seed's resource limits in one line (plan output and the limits verb).</summary>
internal static class ResourceLimitsText
{
    public static string Describe(ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var inv = CultureInfo.InvariantCulture;
        var batch = limits.Batch ?? new BatchSettings();
        var pages = string.Create(inv, $"pages {batch.MinBatchSize:N0}..{batch.MaxBatchSize:N0} rows from {batch.BaseBatchSize:N0}");
        var adapt = limits.AdaptiveBatching
            ? string.Create(inv, $"adaptive (±{batch.AdjustmentFactor:0.##}, threshold {(batch.PerformanceThreshold?.ToTimeSpan().TotalSeconds ?? 0):0.###} s)")
            : "fixed size";
        return string.Create(inv,
            $"{limits.MaxConcurrentBatches} page stream(s) at once · {pages}, {adapt} · {limits.MemoryPerAgentMb} MiB per stream · " +
            $"pool of {limits.ConnectionPoolSize} connection(s) per database · report queue {limits.QueueMaxSize:N0}");
    }
}
