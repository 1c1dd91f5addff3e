namespace Migration.Cli.Watching;

/// <summary>A broken stream: which reconnect attempt comes next, after how long, and from which cursor.</summary>
/// <param name="Reason">The status and message of the failure, or why the stream ended early.</param>
internal sealed record WatchInterruption(int Attempt, TimeSpan Delay, long AfterSequence, string Reason);
