using Grpc.Core;

namespace Migration.Cli.Watching;

/// <summary>How a broken watch stream is re-attached: exponential backoff, and when to give up.</summary>
internal sealed record ReconnectPolicy
{
    public static ReconnectPolicy Default { get; } = new();

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Give up when the server has been unreachable this long.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A stream that stayed open this long before breaking counts as a fresh loss (the clock restarts).</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After a terminal phase, how long to wait for the server to close the stream.</summary>
    public TimeSpan TerminalGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay before reconnect attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayFor(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(InitialDelay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>"Unavailable: connection refused" — the status and the most telling cause.</summary>
    public static string Describe(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var cause = Errors.RpcErrorFormatter.Cause(exception) ?? exception.Status.Detail;
        return string.IsNullOrWhiteSpace(cause) ? exception.StatusCode.ToString() : $"{exception.StatusCode}: {cause}";
    }

    /// <summary>
    /// True when the call failed because the connection broke or the server went away (it restarts): worth a
    /// reconnect. Errors the server chose to return (NotFound, InvalidArgument, ...) are not.
    /// </summary>
    public static bool IsTransient(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.StatusCode switch
        {
            // Cancelled while our own token is not: the server ended the call (it is shutting down).
            StatusCode.Unavailable or StatusCode.Aborted or StatusCode.Cancelled => true,
            // A stream cut by the transport (reset, premature end) surfaces as Internal/Unknown.
            StatusCode.Internal or StatusCode.Unknown =>
                exception.Status.DebugException is IOException or HttpRequestException
                || exception.Status.DebugException?.InnerException is IOException or HttpRequestException,
            _ => false,
        };
    }
}
