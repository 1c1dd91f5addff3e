namespace Migration.Core.Mapping;

/// <summary>Distinct values seen in a column of a sample of rows.</summary>
/// <param name="Values">Distinct non-NULL values as text, sorted, at most the limit asked for.</param>
/// <param name="HasMore">More distinct values exist than were returned (the column is not a small code set).</param>
/// <param name="SampledRows">How many rows the sample read.</param>
public sealed record SampledColumn(string Column, IReadOnlyList<string> Values, bool HasMore, long SampledRows);
