using Migration.Core.Catalog;

namespace Migration.Core.Planning;

/// <summary>How a source table maps onto a target table, column by column.</summary>
public sealed record TableMapping(QualifiedName Source, QualifiedName Target, IReadOnlyList<ColumnMapping> Columns)
{
    public bool IsIdentity => Source == Target && Columns.All(c => c.IsIdentity);
}
