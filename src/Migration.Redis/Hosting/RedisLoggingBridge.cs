using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Migration.Redis.Hosting;

/// <summary>
/// Hands the host's logging to what started before it existed (the embedded store and the start-up messages). Also
/// takes ownership of the embedded store at host start, so that the container disposes it at shutdown even when
/// nothing else resolved it, and after everything resolved later (the Redis connection, the Orleans silo).
/// </summary>
internal sealed class RedisLoggingBridge : IHostedService
{
    private readonly DeferredLoggerFactory _deferred;
    private readonly ILoggerFactory _loggerFactory;

    public RedisLoggingBridge(DeferredLoggerFactory deferred, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _deferred = deferred;
        _loggerFactory = loggerFactory;
        services.GetService<EmbeddedGarnetLifetime>();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _deferred.Attach(_loggerFactory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
