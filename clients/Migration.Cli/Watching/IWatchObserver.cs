using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>What a watch reports to: the live view, the plain line writer or the JSON writer.</summary>
internal interface IWatchObserver
{
    /// <summary>The migration's state when the watch starts (before any event is applied).</summary>
    void OnSnapshot(MigrationInfo migration);

    /// <summary>An event, exactly once and in sequence order.</summary>
    void OnEvent(MigrationEvent migrationEvent);

    /// <summary>The stream broke (or ended early); the watch re-attaches after the delay.</summary>
    void OnConnectionLost(WatchInterruption interruption);
}
