namespace Migration.Core.Planning;

/// <summary>
/// What a set-based check found for one <see cref="MissingParentReference"/>: the distinct non-null key values of the
/// child that have no parent row in the target, how many child rows carry them, and a few examples.
/// </summary>
/// <param name="DistinctKeys">Distinct non-null child key values checked.</param>
/// <param name="MissingKeys">Of those, the ones with no parent row in the target.</param>
/// <param name="ChildRows">Child rows carrying a missing key (they would fail or become orphans).</param>
/// <param name="Examples">Up to five missing key values (comma-separated for composite keys).</param>
/// <param name="SampledPercent">Null: the whole child table was checked; else the share of it sampled (figures are estimates).</param>
/// <param name="ParentInSource">The source has the parent table, so it can be added to the migration.</param>
/// <param name="ParentTargetRows">Rows the target's parent table holds already (0 when it does not exist).</param>
public sealed record MissingParentFinding(
    MissingParentReference Reference,
    long DistinctKeys,
    long MissingKeys,
    long ChildRows,
    IReadOnlyList<string> Examples,
    double? SampledPercent,
    bool ParentInSource,
    long ParentTargetRows)
{
    public bool HasMissingParents => MissingKeys > 0;
}
