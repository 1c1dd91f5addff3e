using Migration.Core.Agents;

namespace Migration.Core.Abstractions;

/// <summary>Agent memory (seed: agent_memory): the messages between agents and facts each agent keeps.</summary>
public interface IAgentMemory
{
    Task RecordMessageAsync(string migrationId, AgentMessage message, CancellationToken cancellationToken = default);

    /// <summary>The most recent messages, oldest first.</summary>
    Task<IReadOnlyList<AgentMessage>> RecentMessagesAsync(string migrationId, int count, CancellationToken cancellationToken = default);

    Task RememberAsync(string migrationId, AgentId agent, string key, string value, CancellationToken cancellationToken = default);

    Task<string?> RecallAsync(string migrationId, AgentId agent, string key, CancellationToken cancellationToken = default);
}
