using Microsoft.Extensions.Logging;

namespace Migration.Redis.Hosting;

internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Using embedded Redis-compatible store (Garnet) at {Endpoint}, data in {DataDirectory}")]
    public static partial void UsingEmbeddedStore(ILogger logger, string endpoint, string dataDirectory);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Using Redis at {Endpoints}")]
    public static partial void UsingRedis(ILogger logger, string endpoints);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Stopped the embedded Redis-compatible store (Garnet) at {Endpoint}")]
    public static partial void StoppedEmbeddedStore(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Event notification subscription to {Channel} failed; watchers fall back to their timeout")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception, string channel);
}
