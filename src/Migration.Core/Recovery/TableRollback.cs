namespace Migration.Core.Recovery;

/// <summary>What the rollback did to one table and whether its content now equals the baseline.</summary>
/// <param name="Action">dropped (the migration created it), deleted (rows written by the migration removed), unchanged.</param>
public sealed record TableRollback(string Table, string Action, long RowsRemoved, bool MatchesBaseline, string? Issue);
