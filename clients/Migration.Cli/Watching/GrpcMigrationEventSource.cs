using System.Runtime.CompilerServices;
using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>The event source backed by the MigrationService's WatchMigration and GetMigration calls.</summary>
internal sealed class GrpcMigrationEventSource(MigrationService.MigrationServiceClient client) : IMigrationEventSource
{
    public async IAsyncEnumerable<MigrationEvent> WatchAsync(
        string migrationId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = client.WatchMigration(
            new WatchMigrationRequest { MigrationId = migrationId, AfterSequence = afterSequence },
            cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            yield return call.ResponseStream.Current;
        }
    }

    public async Task<MigrationInfo> GetMigrationAsync(string migrationId, CancellationToken cancellationToken)
    {
        var response = await client.GetMigrationAsync(
            new GetMigrationRequest { MigrationId = migrationId }, cancellationToken: cancellationToken);
        return response.Migration ?? throw new CliException($"the server returned no migration for {migrationId}");
    }
}
