namespace Migration.Core.Planning;

/// <summary>A question for a person, with options, the risk and what we recommend (seed: L3 / decision gates).</summary>
public sealed record DecisionRequest(
    string Id,
    string Question,
    IReadOnlyList<DecisionOption> Options,
    string RiskAssessment,
    string Recommendation,
    string? Answer = null,
    string? AnsweredBy = null,
    DateTimeOffset? AnsweredAt = null);
