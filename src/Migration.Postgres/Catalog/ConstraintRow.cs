using Migration.Core.Catalog;

namespace Migration.Postgres.Catalog;

/// <summary>One pg_constraint row of a table: p(rimary), u(nique), f(oreign), c(heck) or x (exclusion).</summary>
internal sealed record ConstraintRow(
    string Name,
    char Type,
    string Definition,
    bool IsDeferrable,
    IReadOnlyList<string> Columns,
    QualifiedName? ReferencedTable,
    IReadOnlyList<string> ReferencedColumns,
    bool Inherited,
    bool IsLocal)
{
    public KeyConstraint ToKey() => new(Name, Columns, Definition);

    public ForeignKeyInfo ToForeignKey(QualifiedName table) =>
        new(Name, table, Columns, ReferencedTable ?? throw new InvalidOperationException($"Foreign key {Name} has no referenced table."),
            ReferencedColumns, Definition, IsDeferrable);
}
