using Migration.Guidance.Answers;

namespace Migration.Guidance.Narration;

/// <summary>An unprompted message about an event: a phase change, a milestone, a slowdown, an error.</summary>
public sealed record NarrationItem(NarrationKind Kind, string Text, long Sequence, IReadOnlyList<GuidanceFigure> Figures);
