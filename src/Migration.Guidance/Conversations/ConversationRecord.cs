namespace Migration.Guidance.Conversations;

/// <summary>A conversation attached to one migration, with its follow-up context.</summary>
public sealed record ConversationRecord(string Id, string MigrationId, DateTimeOffset CreatedAt, ConversationContext Context);
