namespace Migration.Guidance.Conversations;

public enum ConversationRole
{
    User,
    Assistant,
    Narration,
}
