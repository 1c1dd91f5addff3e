using StackExchange.Redis;

namespace Migration.Redis.Resilience;

/// <summary>
/// Which Redis failures a call may be retried after (seed L1): the connection lost or not yet back
/// (<see cref="RedisConnectionException"/>, a socket or I/O error), a timeout, and the answers a restarting server
/// gives (LOADING while it reads its data back, TRYAGAIN, MASTERDOWN, READONLY during a fail-over).
/// </summary>
public static class TransientRedisErrors
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => IsTransientServerError(server.Message),
        RedisException { InnerException: { } inner } => IsTransient(inner),
        System.Net.Sockets.SocketException or IOException or ObjectDisposedException { ObjectName: "System.Net.Sockets.Socket" } => true,
        _ => false,
    };

    /// <summary>True when the exception or one of its inner exceptions is a transient Redis failure.</summary>
    public static bool IsTransientAnywhere(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisException && IsTransient(current))
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransientAnywhere))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsTransientServerError(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) ||
        message.StartsWith("TRYAGAIN", StringComparison.Ordinal) ||
        message.StartsWith("MASTERDOWN", StringComparison.Ordinal) ||
        message.StartsWith("READONLY", StringComparison.Ordinal) ||
        message.StartsWith("BUSY", StringComparison.Ordinal);
}
