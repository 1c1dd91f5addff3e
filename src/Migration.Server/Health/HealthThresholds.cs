namespace Migration.Server.Health;

/// <summary>
/// The <c>Health</c> section: the seed's thresholds (query response &lt; 500 ms, memory &lt; 80 %, disk &gt; 20 % free,
/// CPU &lt; 70 %). Beyond a threshold a check is Degraded; beyond the critical one Unhealthy. Read at every check, so
/// a changed configuration applies without a restart; checked on start (fractions 0..1, timeouts above zero).
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

    /// <summary>How long the store may take to answer a PING before it counts as unreachable.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Directory whose disk is watched (default: the embedded store's data directory, else the content root).</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>Problems with the thresholds, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[]
                 {
                     (nameof(MemoryUsedFraction), MemoryUsedFraction), (nameof(MemoryUsedCriticalFraction), MemoryUsedCriticalFraction),
                     (nameof(DiskFreeFraction), DiskFreeFraction), (nameof(DiskFreeCriticalFraction), DiskFreeCriticalFraction),
                     (nameof(CpuFraction), CpuFraction),
                 })
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                problems.Add($"{SectionName}:{name} must be a fraction between 0 and 1, got {value}");
            }
        }

        foreach (var (name, value) in new[] { (nameof(QueryResponse), QueryResponse), (nameof(QueryTimeout), QueryTimeout), (nameof(StoreTimeout), StoreTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{SectionName}:{name} must be above zero, got {value}");
            }
        }

        return problems;
    }
}
