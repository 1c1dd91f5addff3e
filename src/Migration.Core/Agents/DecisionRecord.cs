namespace Migration.Core.Agents;

/// <summary>An entry of the decision history: what was decided, by whom, when and why.</summary>
public sealed record DecisionRecord(
    string Id,
    string Question,
    IReadOnlyList<string> Options,
    string Risk,
    string Recommendation,
    string Answer,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    string Reason);
