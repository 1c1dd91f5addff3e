namespace Migration.Core.Mapping;

/// <summary>Everything the validator found; the spec may run when there is no <see cref="MappingIssueSeverity.Error"/>.</summary>
public sealed record MappingValidationResult(IReadOnlyList<MappingIssue> Issues)
{
    public bool IsValid => Issues.All(i => i.Severity != MappingIssueSeverity.Error);

    public IEnumerable<MappingIssue> Errors => Issues.Where(i => i.Severity == MappingIssueSeverity.Error);

    public IEnumerable<MappingIssue> Warnings => Issues.Where(i => i.Severity == MappingIssueSeverity.Warning);
}
