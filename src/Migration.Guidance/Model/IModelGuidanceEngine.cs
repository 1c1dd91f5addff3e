using Migration.Guidance.Answers;
using Migration.Guidance.Conversations;
using Migration.Guidance.Facts;

namespace Migration.Guidance.Model;

/// <summary>The language-model engine: free wording over the same facts; it can only propose actions.</summary>
public interface IModelGuidanceEngine
{
    bool IsConfigured { get; }

    Task<GuidanceAnswer> AnswerAsync(MigrationFacts facts, string message, IReadOnlyList<ConversationTurn> history, ConversationContext context,
        CancellationToken cancellationToken);
}
