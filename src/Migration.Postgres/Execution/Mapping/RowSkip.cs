namespace Migration.Postgres.Execution.Mapping;

/// <summary>Why a source row is not written: the outcome counted, whether it is listed for review, and what to list.</summary>
internal sealed record RowSkip(string Outcome, bool Listed, string Reason, string Column, string? Value);
