using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>Where a watch reads from: the server's event stream from a cursor, and the migration's current state.</summary>
internal interface IMigrationEventSource
{
    /// <summary>Events with a sequence greater than <paramref name="afterSequence"/>, then live ones, until the stream ends.</summary>
    IAsyncEnumerable<MigrationEvent> WatchAsync(string migrationId, long afterSequence, CancellationToken cancellationToken);

    Task<MigrationInfo> GetMigrationAsync(string migrationId, CancellationToken cancellationToken);
}
