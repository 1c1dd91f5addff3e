namespace Migration.Guidance.Answers;

/// <summary>An action waiting for the user's confirmation ("yes" carries it out, anything else drops it).</summary>
public sealed record ProposedAction(GuidanceActionKind Kind, string Description, string? DecisionId = null, string? OptionId = null);
