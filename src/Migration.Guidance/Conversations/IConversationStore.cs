namespace Migration.Guidance.Conversations;

/// <summary>Conversations and their turns (kept in Redis: they survive a server restart).</summary>
public interface IConversationStore
{
    Task<ConversationRecord?> GetAsync(string conversationId, CancellationToken cancellationToken = default);

    Task SaveAsync(ConversationRecord conversation, CancellationToken cancellationToken = default);

    Task AppendAsync(string conversationId, ConversationTurn turn, CancellationToken cancellationToken = default);

    /// <summary>The most recent turns, oldest first (all when <paramref name="count"/> is null).</summary>
    Task<IReadOnlyList<ConversationTurn>> TurnsAsync(string conversationId, int? count = null, CancellationToken cancellationToken = default);
}
