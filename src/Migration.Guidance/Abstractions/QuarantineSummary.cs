namespace Migration.Guidance.Abstractions;

/// <summary>Quarantined rows of one table for one reason, with an example.</summary>
public sealed record QuarantineSummary(string Table, string Reason, long Rows, string? Example);
