using Microsoft.Extensions.Logging;
using Migration.Redis.Embedded;

namespace Migration.Redis.Hosting;

/// <summary>
/// Owns the embedded store for the container: created before the Redis connection that uses it, so the container
/// disposes it after that connection (and after the Orleans silo) when the host shuts down.
/// </summary>
internal sealed class EmbeddedGarnetLifetime(EmbeddedGarnetServer server, DeferredLoggerFactory deferred) : IDisposable
{
    public EmbeddedGarnetServer Server => server;

    public void Dispose()
    {
        server.Dispose();
        RedisLog.StoppedEmbeddedStore(deferred.CreateLogger(typeof(EmbeddedGarnetServer).FullName!), server.ConnectionString);
        deferred.Detach();
    }
}
