namespace Migration.Server.Health;

/// <summary>
/// The <c>Health</c> section: the seed's thresholds (query response &lt; 500 ms, memory &lt; 80 %, disk &gt; 20 % free,
/// CPU &lt; 70 %). Beyond a threshold a check is Degraded; beyond the critical one Unhealthy.
/// </summary>
public sealed class HealthThresholds
{
    public const string SectionName = "Health";

    public TimeSpan QueryResponse { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public double MemoryUsedFraction { get; set; } = 0.80;

    public double MemoryUsedCriticalFraction { get; set; } = 0.95;

    public double DiskFreeFraction { get; set; } = 0.20;

    public double DiskFreeCriticalFraction { get; set; } = 0.05;

    public double CpuFraction { get; set; } = 0.70;

    /// <summary>Directory whose disk is watched (default: the embedded store's data directory, else the content root).</summary>
    public string DataDirectory { get; set; } = string.Empty;
}
