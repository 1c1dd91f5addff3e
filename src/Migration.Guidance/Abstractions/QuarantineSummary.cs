namespace Migration.Guidance.Abstractions;

/// <summary>Quarantined rows of one table for one reason, with an example.</summary>
public sealed record QuarantineSummary(string Table, string Reason, long Rows, string? Example)
{
    /// <summary>The keys of the first rows set aside for this reason (their preview when the table has no key), oldest first.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
}
