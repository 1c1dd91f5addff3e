using Migration.Core.Catalog;

namespace Migration.Postgres.Validation;

/// <summary>A foreign key to check for orphans on the target: child columns of the validated table, parent table and columns.</summary>
internal sealed record OrphanCheck(string Name, IReadOnlyList<string> Columns, QualifiedName ReferencedTable, IReadOnlyList<string> ReferencedColumns)
{
    public bool SameReference(OrphanCheck other) =>
        Columns.SequenceEqual(other.Columns) && ReferencedTable == other.ReferencedTable && ReferencedColumns.SequenceEqual(other.ReferencedColumns);
}
