namespace Migration.Core.Catalog;

/// <summary>What Schema Analysis read from one database.</summary>
public sealed record DatabaseCatalog(
    string Database,
    string ServerVersion,
    IReadOnlyList<TableInfo> Tables,
    IReadOnlyList<SequenceInfo> Sequences,
    IReadOnlyList<EnumTypeInfo> Enums,
    IReadOnlyList<DomainInfo> Domains,
    IReadOnlyList<string> Extensions)
{
    public static DatabaseCatalog Empty(string database) => new(database, "", [], [], [], [], []);

    public TableInfo? FindTable(QualifiedName name) => Tables.FirstOrDefault(t => t.Name == name);
}
