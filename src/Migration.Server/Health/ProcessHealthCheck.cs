using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Migration.Server.Telemetry;

namespace Migration.Server.Health;

/// <summary>The server process: memory against what it may use (seed "&lt; 80 %") and CPU (seed "&lt; 70 %").</summary>
public sealed class ProcessHealthCheck(ProcessSampler sampler, IOptions<HealthThresholds> thresholds) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limits = thresholds.Value;
        var (workingSet, heap, limit) = ProcessSampler.Memory();
        var memory = limit > 0 ? workingSet / (double)limit : 0;
        var cpu = sampler.CpuFraction();
        var text = $"memory {workingSet / (1024 * 1024):N0} MB of {limit / (1024 * 1024):N0} MB ({memory:P0}; managed heap {heap / (1024 * 1024):N0} MB), " +
                   $"CPU {cpu:P0} of {Environment.ProcessorCount} cores";
        var data = new Dictionary<string, object>
        {
            ["memory_used_fraction"] = memory,
            ["cpu_fraction"] = cpu,
        };
        return Task.FromResult(memory >= limits.MemoryUsedCriticalFraction ? HealthCheckResult.Unhealthy(text, data: data)
            : memory >= limits.MemoryUsedFraction || cpu >= limits.CpuFraction ? HealthCheckResult.Degraded(text, data: data)
            : HealthCheckResult.Healthy(text, data));
    }
}
