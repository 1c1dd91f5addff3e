using Migration.Core.Agents;
using Migration.Core.Events;

namespace Migration.Redis.Events;

/// <summary>An event as stored: the migration id and sequence are in the key and the score.</summary>
internal sealed record StoredEvent(DateTimeOffset OccurredAt, AgentId Agent, EventPayload Payload);
