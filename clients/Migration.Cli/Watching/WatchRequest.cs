using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>What to watch: the migration as last seen, the cursor to start after, and an optional stop condition.</summary>
/// <param name="Snapshot">The migration's state; its last_event_sequence marks where replay ends and live begins.</param>
/// <param name="AfterSequence">The cursor: events after this sequence are delivered.</param>
/// <param name="StopWhen">Ends the watch after the first event it matches.</param>
internal sealed record WatchRequest(MigrationInfo Snapshot, long AfterSequence, Func<MigrationEvent, bool>? StopWhen = null)
{
    public string MigrationId => Snapshot.Id;
}
