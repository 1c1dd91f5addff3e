namespace Migration.Postgres.Execution;

/// <summary>
/// What the bisection of a failed page did: rows written, rows set aside, and rows the target counted as inserted by
/// sub-writes that were rolled back (the page's validation count subtracts them).
/// </summary>
internal sealed record IsolatedPage(long Written, long Quarantined, long DiscardedInserts);
