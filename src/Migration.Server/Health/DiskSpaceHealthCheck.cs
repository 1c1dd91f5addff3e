using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Migration.Server.Health;

/// <summary>Free space of the disk holding the server's data (embedded store, logs): seed "diskSpace &gt; 20 % free".</summary>
public sealed class DiskSpaceHealthCheck(IOptionsMonitor<HealthThresholds> thresholds, IConfiguration configuration, IHostEnvironment environment) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = thresholds.CurrentValue;
        var (free, fraction, path) = Measure(limits, configuration, environment);
        var text = $"{ProcessHealthCheck.Percent(fraction)} free ({free / (1024 * 1024):N0} MB) on the disk of {path}";
        const string Section = HealthThresholds.SectionName;
        return Task.FromResult(fraction < limits.DiskFreeCriticalFraction
                ? HealthCheckResult.Unhealthy($"{text}: below {Section}:{nameof(HealthThresholds.DiskFreeCriticalFraction)} {ProcessHealthCheck.Percent(limits.DiskFreeCriticalFraction)}")
            : fraction < limits.DiskFreeFraction
                ? HealthCheckResult.Degraded($"{text}: below {Section}:{nameof(HealthThresholds.DiskFreeFraction)} {ProcessHealthCheck.Percent(limits.DiskFreeFraction)}")
            : HealthCheckResult.Healthy(text));
    }

    public static (long FreeBytes, double FreeFraction, string Path) Measure(HealthThresholds thresholds, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var path = new[] { thresholds.DataDirectory, configuration["Redis:Embedded:DataDirectory"], environment.ContentRootPath }
            .First(p => !string.IsNullOrWhiteSpace(p))!;
        var existing = Path.GetFullPath(path);
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }

        var drive = new DriveInfo(existing);
        return (drive.AvailableFreeSpace, drive.TotalSize == 0 ? 1 : drive.AvailableFreeSpace / (double)drive.TotalSize, path);
    }
}
