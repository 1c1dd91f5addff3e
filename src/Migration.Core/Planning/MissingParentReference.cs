using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>
/// A connection rule (foreign key) of a table in the migration that points at a parent table which is not part of
/// the migration (left out by the selection). Whether the rows it needs are already in the target is found out by
/// <see cref="Abstractions.IMissingParentProbe"/> before anything is written.
/// </summary>
/// <param name="Child">The table in the migration (source name).</param>
/// <param name="Rule">The connection rule's name (the foreign key constraint).</param>
/// <param name="ChildColumns">The child's columns holding the parent key.</param>
/// <param name="Parent">The parent table (same name in source and target for a same-schema migration).</param>
/// <param name="ParentColumns">The parent's key columns the rule points at.</param>
/// <param name="ParentInTarget">The target has the parent table (it may still lack the rows).</param>
/// <param name="CheckedDuringLoad">
/// The target checks the rule while the child is loaded (the child table exists in the target with the rule), so rows
/// whose parent is missing are refused one by one and can be set aside for review.
/// </param>
public sealed record MissingParentReference(
    QualifiedName Child,
    string Rule,
    IReadOnlyList<string> ChildColumns,
    QualifiedName Parent,
    IReadOnlyList<string> ParentColumns,
    bool ParentInTarget,
    bool CheckedDuringLoad)
{
    /// <summary>
    /// Mapped migrations (a mapping spec): the entity type the spec's reference names, which no table of the spec
    /// produces. The child's values are legacy ids; a parent is present when <c>migration_mappings</c> lists
    /// (entity type, legacy id), and its new id is <see cref="Mapping.LegacyIds.NewId(string, string)"/>. Null: a
    /// same-schema connection rule.
    /// </summary>
    public string? EntityType { get; init; }

    /// <summary>Mapped: the parent's source table (<see cref="Parent"/> is the target's parent table when there is one).</summary>
    public QualifiedName? ParentSource { get; init; }

    /// <summary>Mapped: the target parent's column keeping the legacy id (written into placeholders), if any.</summary>
    public string? ParentLegacyColumn { get; init; }

    /// <summary>Mapped: the control schema holding <c>migration_mappings</c>.</summary>
    public string? ControlSchema { get; init; }

    /// <summary>Mapped: the child's row filter of the spec (SQL over its source columns): only those rows are checked.</summary>
    public string? ChildFilter { get; init; }
}
