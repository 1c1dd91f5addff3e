using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Migration.Server.Telemetry;

namespace Migration.Server.Health;

/// <summary>
/// The server process: memory against what it may use (seed "&lt; 80 %") and CPU (seed "&lt; 70 %"). The description
/// says which threshold is crossed (e.g. "memory 83 % ≥ Health:MemoryUsedFraction 80 %").
/// </summary>
public sealed class ProcessHealthCheck(ProcessSampler sampler, IOptionsMonitor<HealthThresholds> thresholds) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = thresholds.CurrentValue;
        var (workingSet, heap, limit) = ProcessSampler.Memory();
        var memory = limit > 0 ? workingSet / (double)limit : 0;
        var cpu = sampler.CpuFraction();
        var text = $"memory {workingSet / (1024 * 1024):N0} MB of {limit / (1024 * 1024):N0} MB ({Percent(memory)}; managed heap {heap / (1024 * 1024):N0} MB), " +
                   $"CPU {Percent(cpu)} of {Environment.ProcessorCount} cores";
        var crossed = new List<string>();
        var status = HealthStatus.Healthy;
        if (memory >= limits.MemoryUsedCriticalFraction)
        {
            crossed.Add($"memory {Percent(memory)} ≥ {HealthThresholds.SectionName}:{nameof(HealthThresholds.MemoryUsedCriticalFraction)} {Percent(limits.MemoryUsedCriticalFraction)}");
            status = HealthStatus.Unhealthy;
        }
        else if (memory >= limits.MemoryUsedFraction)
        {
            crossed.Add($"memory {Percent(memory)} ≥ {HealthThresholds.SectionName}:{nameof(HealthThresholds.MemoryUsedFraction)} {Percent(limits.MemoryUsedFraction)}");
            status = HealthStatus.Degraded;
        }

        if (cpu >= limits.CpuFraction)
        {
            crossed.Add($"CPU {Percent(cpu)} ≥ {HealthThresholds.SectionName}:{nameof(HealthThresholds.CpuFraction)} {Percent(limits.CpuFraction)}");
            status = status == HealthStatus.Unhealthy ? status : HealthStatus.Degraded;
        }

        if (crossed.Count > 0)
        {
            text += ": " + string.Join("; ", crossed);
        }

        var data = new Dictionary<string, object>
        {
            ["memory_used_fraction"] = memory,
            ["cpu_fraction"] = cpu,
        };
        return Task.FromResult(new HealthCheckResult(status, text, data: data));
    }

    internal static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
