using Migration.Core.Abstractions;
using Migration.Guidance.Abstractions;

namespace Migration.Guidance.Facts;

/// <summary>Reads the facts of one migration from the orchestrator, the event log and the decision history.</summary>
public sealed class MigrationFactsReader(IMigrationGateway gateway, IMigrationEventLog events, IDecisionHistory history, TimeProvider clock)
{
    private const int EventPage = 1000;
    private const int MaxEvents = 20_000;

    /// <summary>Null when the migration does not exist.</summary>
    public async Task<MigrationFacts?> ReadAsync(string migrationId, CancellationToken cancellationToken)
    {
        var migration = await gateway.GetAsync(migrationId, cancellationToken);
        if (migration is null)
        {
            return null;
        }

        var pending = await gateway.GetPendingDecisionsAsync(migrationId, cancellationToken);
        var decisions = await history.ListAsync(migrationId, cancellationToken);
        var list = new List<Core.Events.MigrationEvent>();
        var after = Math.Max(0, migration.LastEventSequence - MaxEvents);
        while (true)
        {
            var page = await events.ReadAsync(migrationId, after, EventPage, cancellationToken);
            list.AddRange(page);
            if (page.Count < EventPage)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return new MigrationFacts(migration, pending, list, decisions, clock.GetUtcNow());
    }
}
