using Migration.Cli.Watching;
using Migration.Contracts.V1;
using MigrationInfo = Migration.Contracts.V1.Migration;

namespace Migration.UnitTests.Cli;

internal sealed class RecordingObserver : IWatchObserver
{
    public List<MigrationEvent> Events { get; } = [];

    public List<WatchInterruption> Interruptions { get; } = [];

    public List<MigrationInfo> Snapshots { get; } = [];

    public Action<MigrationEvent>? OnEach { get; init; }

    public void OnSnapshot(MigrationInfo migration) => Snapshots.Add(migration);

    public void OnEvent(MigrationEvent migrationEvent)
    {
        Events.Add(migrationEvent);
        OnEach?.Invoke(migrationEvent);
    }

    public void OnConnectionLost(WatchInterruption interruption) => Interruptions.Add(interruption);
}
