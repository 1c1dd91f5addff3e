namespace Migration.Guidance.Conversations;

/// <summary>One turn of a conversation: who said what, when (and what an answer was understood as).</summary>
public sealed record ConversationTurn(ConversationRole Role, string Text, DateTimeOffset At, string? User, string? Intent);
