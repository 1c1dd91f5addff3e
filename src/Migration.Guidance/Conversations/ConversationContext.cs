using Migration.Guidance.Answers;

namespace Migration.Guidance.Conversations;

/// <summary>What a follow-up refers to: the last intent and table, and an action waiting for confirmation.</summary>
public sealed record ConversationContext(string? LastIntent, string? LastTable, ProposedAction? PendingAction)
{
    public static ConversationContext Empty { get; } = new(null, null, null);
}
