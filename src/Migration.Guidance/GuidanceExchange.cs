using Migration.Guidance.Answers;

namespace Migration.Guidance;

/// <summary>One question and its answer, in a conversation.</summary>
public sealed record GuidanceExchange(string ConversationId, GuidanceAnswer Answer);
