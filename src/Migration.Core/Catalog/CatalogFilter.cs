namespace Migration.Core.Catalog;

/// <summary>Which schemas and tables to read. Empty include lists mean "everything that is not a system schema".</summary>
public sealed record CatalogFilter(
    IReadOnlyList<string> IncludeSchemas,
    IReadOnlyList<string> ExcludeSchemas,
    IReadOnlyList<string> IncludeTables,
    IReadOnlyList<string> ExcludeTables)
{
    public static CatalogFilter All { get; } = new([], [], [], []);

    public bool IncludesSchema(string schema) =>
        (IncludeSchemas.Count == 0 || IncludeSchemas.Contains(schema)) && !ExcludeSchemas.Contains(schema);

    public bool IncludesTable(QualifiedName table) =>
        IncludesSchema(table.Schema)
        && (IncludeTables.Count == 0 || IncludeTables.Any(t => Matches(t, table)))
        && !ExcludeTables.Any(t => Matches(t, table));

    private static bool Matches(string pattern, QualifiedName table) =>
        pattern.Contains('.', StringComparison.Ordinal) ? pattern == table.ToString() : pattern == table.Name;
}
