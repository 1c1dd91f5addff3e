using Migration.Core.Agents;

namespace Migration.Core.Events;

/// <summary>An event of one migration. <paramref name="Sequence"/> starts at 1 and has no gaps: it is the watch cursor.</summary>
public sealed record MigrationEvent(string MigrationId, long Sequence, DateTimeOffset OccurredAt, AgentId Agent, EventPayload Payload);
