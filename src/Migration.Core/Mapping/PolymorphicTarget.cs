namespace Migration.Core.Mapping;

/// <summary>One value of a polymorphic reference's type column and the entity type it stands for.</summary>
/// <param name="TypeValue">The type column's value as text (e.g. the content type id "12").</param>
/// <param name="EntityType">The entity type the object id refers to for that value.</param>
public sealed record PolymorphicTarget(string TypeValue, string EntityType)
{
    /// <summary>
    /// The target column (uuid) receiving the new id for this type (per-type columns, e.g. "order_id"). Null: the
    /// reference's shared <see cref="PolymorphicReferenceMap.TargetColumn"/>.
    /// </summary>
    public string? TargetColumn { get; init; }
}
