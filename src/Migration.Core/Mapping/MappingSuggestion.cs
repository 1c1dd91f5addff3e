using Migration.Core.Planning;

namespace Migration.Core.Mapping;

/// <summary>
/// What the Data Mapping agent proposes: a spec holding the parts it is sure enough of (each with a confidence and a
/// reason), and decisions for the parts below the threshold — asked, never guessed.
/// </summary>
/// <param name="Spec">The suggested specification (only parts at or above the confidence threshold).</param>
/// <param name="Decisions">Questions for the user about the uncertain parts, each with options.</param>
/// <param name="Threshold">The confidence below which a part became a decision.</param>
public sealed record MappingSuggestion(MappingSpec Spec, IReadOnlyList<DecisionRequest> Decisions, double Threshold)
{
    /// <summary>The suggested spec validated against both catalogs (filled in by the agent; empty from the suggester alone).</summary>
    public IReadOnlyList<MappingIssue> Issues { get; init; } = [];
}
