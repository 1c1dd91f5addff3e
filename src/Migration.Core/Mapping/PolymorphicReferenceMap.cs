namespace Migration.Core.Mapping;

/// <summary>
/// A polymorphic reference (Django's content_type_id + object_id): the type column's text value selects an entry of
/// <see cref="Types"/>, and the object id is rewritten to the new UUID of that entity type. The new id is written
/// into the entry's own <see cref="PolymorphicTarget.TargetColumn"/> or else into <see cref="TargetColumn"/>; every
/// other per-type column of this reference is NULL for that row. NULL type or id: all written columns NULL.
/// </summary>
/// <param name="TypeColumn">The source column holding the type (e.g. "content_type_id").</param>
/// <param name="IdColumn">The source column holding the referenced legacy id (e.g. "object_id").</param>
public sealed record PolymorphicReferenceMap(string TypeColumn, string IdColumn)
{
    /// <summary>The type values this reference understands.</summary>
    public IReadOnlyList<PolymorphicTarget> Types { get; init; } = [];

    /// <summary>The one target column (uuid) receiving the new id, for types without their own column. Null: per-type columns only.</summary>
    public string? TargetColumn { get; init; }

    /// <summary>
    /// Optional target column receiving the entity type name of the row's reference (e.g. "subject_type"), so the
    /// target can still tell what a shared uuid column points at. Null: not written.
    /// </summary>
    public string? TypeTargetColumn { get; init; }

    /// <summary>
    /// What happens when the object does not exist, or the type value is not in <see cref="Types"/> (treated as an
    /// orphan). Default: skip the row and list it.
    /// </summary>
    public OrphanPolicy OnOrphan { get; init; } = OrphanPolicy.SkipAndList;

    /// <summary>The distinct target columns this reference writes.</summary>
    public IEnumerable<string> TargetColumns()
    {
        var columns = new List<string>();
        if (TargetColumn is not null)
        {
            columns.Add(TargetColumn);
        }

        columns.AddRange(Types.Select(t => t.TargetColumn).OfType<string>());
        if (TypeTargetColumn is not null)
        {
            columns.Add(TypeTargetColumn);
        }

        return columns.Distinct(StringComparer.Ordinal);
    }
}
