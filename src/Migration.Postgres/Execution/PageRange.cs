namespace Migration.Postgres.Execution;

/// <summary>
/// One page of a table: the source predicate that selects it, the checkpoint it leads to and whether it is the last
/// one.
/// </summary>
internal sealed record PageRange(
    string SourcePredicate,
    IReadOnlyList<string?>? NextCheckpointKey,
    bool IsLast,
    string Description);
