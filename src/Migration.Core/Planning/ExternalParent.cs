using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>
/// The parent of a spec reference whose entity type no table of the spec produces (<see cref="MappedMissingParents.Resolve"/>).
/// </summary>
/// <param name="EntityType">The entity type the reference names.</param>
/// <param name="Source">The parent's source table.</param>
/// <param name="Target">The target's parent table (the child's foreign key, or a table named like the entity), if any.</param>
/// <param name="TargetKey">Its key column the reference points at, if known.</param>
/// <param name="TargetLegacyColumn">Its column keeping the legacy id (<c>legacy_id</c>), if any.</param>
/// <param name="SourceSelected">The parent's source table is in the catalog the migration selected (not excluded).</param>
public sealed record ExternalParent(
    string EntityType,
    QualifiedName Source,
    QualifiedName? Target,
    string? TargetKey,
    string? TargetLegacyColumn,
    bool SourceSelected);
