using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// A mapping specification: how the tables of a legacy source become the tables of a (different) target. One
/// <see cref="TableMap"/> per target table. Stored as JSON (see <see cref="MappingSpecJson"/>), carried in
/// <see cref="Migrations.MigrationOptions.Mapping"/> and, per table, in <see cref="Planning.TableMapping.Spec"/>,
/// which is where the copy engine reads it.
/// </summary>
/// <param name="Tables">The tables to migrate, one entry per target table. Order does not matter: the load order
/// comes from the foreign key graph and the references of the spec.</param>
public sealed record MappingSpec(IReadOnlyList<TableMap> Tables)
{
    /// <summary>The current format version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version of the file; <see cref="CurrentVersion"/> is the only one there is.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>
    /// When true, source tables selected by the migration's filters that no <see cref="TableMap"/> names are copied
    /// as they are (same name, identity columns), as in a same-schema migration. When false (the default), only the
    /// listed tables are migrated; the others (e.g. lookup tables merged into a column) are not copied.
    /// </summary>
    public bool IncludeUnlistedTables { get; init; }

    /// <summary>The entry whose source is <paramref name="source"/>, if any.</summary>
    public TableMap? FindBySource(QualifiedName source) => Tables.FirstOrDefault(t => t.Source == source);

    /// <summary>The entry whose target is <paramref name="target"/>, if any.</summary>
    public TableMap? FindByTarget(QualifiedName target) => Tables.FirstOrDefault(t => t.Target == target);

    /// <summary>The entry that produces entity type <paramref name="entityType"/> (see <see cref="TableMap.EntityType"/>).</summary>
    public TableMap? FindByEntityType(string entityType) =>
        Tables.FirstOrDefault(t => string.Equals(t.EntityType, entityType, StringComparison.Ordinal));
}
