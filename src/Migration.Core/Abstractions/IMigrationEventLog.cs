using Migration.Core.Agents;
using Migration.Core.Events;

namespace Migration.Core.Abstractions;

/// <summary>
/// The per-migration event log shared by every server instance: appends get gap-free increasing sequence numbers,
/// readers page from a cursor and wait for new events without polling hot.
/// </summary>
public interface IMigrationEventLog
{
    Task<MigrationEvent> AppendAsync(string migrationId, AgentId agent, EventPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Events with sequence &gt; <paramref name="afterSequence"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<MigrationEvent>> ReadAsync(string migrationId, long afterSequence, int max, CancellationToken cancellationToken = default);

    /// <summary>Completes when an event after <paramref name="afterSequence"/> may exist, or when <paramref name="timeout"/> passes.</summary>
    Task WaitForEventsAsync(string migrationId, long afterSequence, TimeSpan timeout, CancellationToken cancellationToken = default);

    Task<long> LastSequenceAsync(string migrationId, CancellationToken cancellationToken = default);
}
