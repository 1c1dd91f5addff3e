using Migration.Core.Agents;

namespace Migration.Guidance.Answers;

/// <summary>An answer in business language, with the structured parts a frontend can render.</summary>
public sealed record GuidanceAnswer(string Text, string Intent)
{
    public IReadOnlyList<GuidanceFigure> Figures { get; init; } = [];

    public GuidanceTableData? Table { get; init; }

    public IReadOnlyList<string> Suggestions { get; init; } = [];

    public IReadOnlyList<PendingDecision> Decisions { get; init; } = [];

    /// <summary>What the answer is based on.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public ProposedAction? PendingAction { get; init; }

    public ActionResult? Action { get; init; }

    public GuidanceEngineKind Engine { get; init; } = GuidanceEngineKind.Deterministic;

    /// <summary>Why the deterministic engine answered although a model is configured.</summary>
    public string? EngineNote { get; init; }

    /// <summary>The table the answer was about (kept as conversation context for follow-ups).</summary>
    public string? SubjectTable { get; init; }
}
