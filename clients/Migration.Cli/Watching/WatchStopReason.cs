namespace Migration.Cli.Watching;

internal enum WatchStopReason
{
    /// <summary>The migration reached a terminal phase (completed, failed, rolled back, cancelled).</summary>
    Terminal,

    /// <summary>The migration is paused (at the live edge, not in replayed history).</summary>
    Paused,

    /// <summary>The caller's stop condition matched an event.</summary>
    Condition,

    /// <summary>The CLI was interrupted (Ctrl+C); the migration goes on on the server.</summary>
    Interrupted,

    /// <summary>The server stayed unreachable longer than the reconnect policy allows.</summary>
    ServerLost,
}
