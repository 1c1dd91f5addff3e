using Migration.Core.Mapping;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A polymorphic reference read by the source query: the type value's text at <see cref="TypeOrdinal"/>, the legacy
/// id at <see cref="IdOrdinal"/>, the orphan flag at <see cref="OrphanOrdinal"/> (unknown type or missing object).
/// </summary>
/// <param name="Types">Type value text → (entity type, whether that entity gets new UUIDs).</param>
internal sealed record PolymorphicSlot(
    PolymorphicReferenceMap Map,
    int TypeOrdinal,
    int IdOrdinal,
    int OrphanOrdinal,
    IReadOnlyDictionary<string, (string Entity, bool Remaps)> Types)
{
    /// <summary>Entity types whose rows may be kept out because a parent of theirs is left out of the migration: looked up per page (<see cref="ParentPresence"/>).</summary>
    public IReadOnlySet<string> CheckedEntities { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
