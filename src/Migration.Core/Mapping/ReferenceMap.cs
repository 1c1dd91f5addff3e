namespace Migration.Core.Mapping;

/// <summary>
/// A source FK column rewritten to the new UUID of its parent: the target value is the new id that the parent
/// entity type (<see cref="EntityType"/>) gave the row whose legacy id equals the source value. A NULL source value
/// stays NULL. When the parent entity keeps its keys (<see cref="KeyStrategy.Keep"/>) the value is copied unchanged.
/// Self-references name the table's own entity type.
/// </summary>
/// <param name="SourceColumn">The FK column of the source table (e.g. "customer_id").</param>
/// <param name="TargetColumn">The target column (type uuid) receiving the parent's new id.</param>
/// <param name="EntityType">The parent's entity type (<see cref="TableMap.EntityType"/> of the table that produces it).</param>
public sealed record ReferenceMap(string SourceColumn, string TargetColumn, string EntityType)
{
    /// <summary>What happens when no parent with that legacy id exists. Default: skip the row and list it.</summary>
    public OrphanPolicy OnOrphan { get; init; } = OrphanPolicy.SkipAndList;
}
