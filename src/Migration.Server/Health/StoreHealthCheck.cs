using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Migration.Server.Health;

/// <summary>
/// The agent state store (Redis or the embedded Garnet) answers a PING within Health:StoreTimeout (slower than a
/// second: Degraded; no answer: Unhealthy, with why).
/// </summary>
public sealed class StoreHealthCheck(IConnectionMultiplexer redis, IOptionsMonitor<HealthThresholds> thresholds) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = thresholds.CurrentValue.StoreTimeout;
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(timeout, cancellationToken);
            return latency > TimeSpan.FromSeconds(1)
                ? HealthCheckResult.Degraded($"store answers slowly ({latency.TotalMilliseconds:0} ms)")
                : HealthCheckResult.Healthy($"store answers in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("store unreachable: " + Security.SecretRedactor.Redact(ex.Message));
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"store unreachable: no answer to PING within {timeout.TotalSeconds:0.#} s");
        }
    }
}
