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
}
