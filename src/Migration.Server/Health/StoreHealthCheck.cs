using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Migration.Server.Health;

/// <summary>The agent state store (Redis or the embedded Garnet) answers a PING.</summary>
public sealed class StoreHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return latency > TimeSpan.FromSeconds(1)
                ? HealthCheckResult.Degraded($"store answers slowly ({latency.TotalMilliseconds:0} ms)")
                : HealthCheckResult.Healthy($"store answers in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("store unreachable: " + ex.Message);
        }
    }
}
