namespace Migration.Postgres.Execution;

/// <summary>
/// One page of a table: the source predicate that selects it, the checkpoint it leads to, whether it is the last
/// one, and (keyset with an indexed target key) the predicate that counts its rows in the target.
/// </summary>
internal sealed record PageRange(
    string SourcePredicate,
    IReadOnlyList<string?>? NextCheckpointKey,
    bool IsLast,
    string? TargetCountPredicate,
    string Description);
