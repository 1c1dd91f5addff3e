using Migration.Core.Mapping;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A reference read by the source query: the legacy value at <see cref="ValueOrdinal"/> and, at
/// <see cref="OrphanOrdinal"/>, whether it is an orphan (a non-NULL value whose parent will not be in the target).
/// </summary>
/// <param name="ParentEntity">The parent's entity type (its new ids are computed from it).</param>
/// <param name="ParentRemaps">The parent gets new UUIDs; false: it keeps its keys and the value is copied.</param>
internal sealed record ReferenceSlot(string SourceColumn, string TargetColumn, int ValueOrdinal, int OrphanOrdinal, string ParentEntity, bool ParentRemaps, OrphanPolicy Policy)
{
    /// <summary>The parent has a natural key rule that merges duplicates: a value may have to point at the row kept (<see cref="ReferenceRedirects"/>).</summary>
    public bool ParentMerges { get; init; }

    /// <summary>
    /// No table of the spec produces the parent entity (its table is left out of the migration: a missing-parents
    /// decision): the parent's new id is computed as always, and whether the parent is in the new database is looked up
    /// per page in migration_mappings (<see cref="ParentPresence"/>).
    /// </summary>
    public bool External { get; init; }

    /// <summary>
    /// The parent's presence is looked up per page in migration_mappings (<see cref="ParentPresence"/>): the parent is
    /// <see cref="External"/>, or its own rows are kept out when a parent of theirs is (a chain such as item → order →
    /// customer left out), which the source query cannot see.
    /// </summary>
    public bool CheckMapped { get; init; }
}
