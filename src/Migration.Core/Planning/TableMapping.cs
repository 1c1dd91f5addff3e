using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Core.Planning;

/// <summary>How a source table maps onto a target table, column by column.</summary>
public sealed record TableMapping(QualifiedName Source, QualifiedName Target, IReadOnlyList<ColumnMapping> Columns)
{
    public bool IsIdentity => Spec is null && Source == Target && Columns.All(c => c.IsIdentity);

    /// <summary>
    /// This table's part of the migration's <see cref="MappingSpec"/> (renames, transforms, UUID keys, references,
    /// leftovers, policies), or null for a same-schema table. When set, the copier executes the spec and
    /// <see cref="Columns"/> only describes it (one entry per target column, for plans and display).
    /// </summary>
    public TableMap? Spec { get; init; }
}
