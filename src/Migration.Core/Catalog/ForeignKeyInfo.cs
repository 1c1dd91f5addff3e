namespace Migration.Core.Catalog;

/// <summary>A foreign key ("connection rule"). <paramref name="Definition"/> is <c>pg_get_constraintdef</c>.</summary>
public sealed record ForeignKeyInfo(
    string Name,
    QualifiedName Table,
    IReadOnlyList<string> Columns,
    QualifiedName ReferencedTable,
    IReadOnlyList<string> ReferencedColumns,
    string Definition,
    bool IsDeferrable)
{
    public bool IsSelfReference => Table == ReferencedTable;

    public string Id => $"{Table}.{Name}";
}
