namespace Migration.Core.Agents;

/// <summary>
/// The seed's agent-to-agent envelope, plus a correlation id. Every message is kept in agent memory so that
/// "why did you do that?" has an answer. <paramref name="Payload"/> is a short JSON or text description.
/// </summary>
public sealed record AgentMessage(
    string Id,
    string CorrelationId,
    AgentId Sender,
    AgentId Receiver,
    AgentMessageType MessageType,
    string Payload,
    MessagePriority Priority,
    bool RequiresResponse,
    TimeSpan? Timeout,
    DateTimeOffset SentAt)
{
    public static AgentMessage Create(string correlationId, AgentId sender, AgentId receiver, AgentMessageType type, string payload,
        MessagePriority priority = MessagePriority.Medium, bool requiresResponse = false, TimeSpan? timeout = null, TimeProvider? clock = null) =>
        new(Guid.NewGuid().ToString("N"), correlationId, sender, receiver, type, payload, priority, requiresResponse, timeout,
            (clock ?? TimeProvider.System).GetUtcNow());
}
