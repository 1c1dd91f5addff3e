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
    /// <summary>
    /// The installed extensions with their schema and version (the same set as <see cref="Extensions"/>); empty when
    /// the reader did not supply them. Types of an extension are qualified with its schema, so a target needs the
    /// extension in the same schema.
    /// </summary>
    public IReadOnlyList<ExtensionInfo> ExtensionDetails { get; init; } = [];

    public static DatabaseCatalog Empty(string database) => new(database, "", [], [], [], [], []);

    public TableInfo? FindTable(QualifiedName name) => Tables.FirstOrDefault(t => t.Name == name);
}
