using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Microsoft.Extensions.Logging;

namespace Migration.Agents.Messaging;

/// <summary>
/// Keeps the seed's agent messages in agent memory (so "why did you do that?" has an answer) and in the log.
/// Memory is best effort: a Redis hiccup must not fail a migration whose data path is healthy.
/// </summary>
public sealed partial class AgentJournal(IAgentMemory memory, ILogger<AgentJournal> logger)
{
    public async Task SendAsync(string migrationId, AgentId sender, AgentId receiver, AgentMessageType type, string payload,
        MessagePriority priority = MessagePriority.Medium, bool requiresResponse = false, CancellationToken cancellationToken = default)
    {
        var message = AgentMessage.Create(migrationId, sender, receiver, type, payload, priority, requiresResponse);
        LogMessage(logger, migrationId, sender, receiver, type, payload);
        try
        {
            await memory.RecordMessageAsync(migrationId, message, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMemoryFailed(logger, migrationId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] {Sender} -> {Receiver} ({Type}): {Payload}")]
    private static partial void LogMessage(ILogger logger, string migrationId, AgentId sender, AgentId receiver, AgentMessageType type, string payload);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] could not record an agent message in memory")]
    private static partial void LogMemoryFailed(ILogger logger, string migrationId, Exception exception);
}
