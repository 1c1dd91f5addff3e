using Migration.Core.Catalog;

namespace Migration.Agents.Abstractions;

/// <summary>Both catalogs as Schema Analysis read them, with the source tables' classes.</summary>
[GenerateSerializer]
public sealed record SchemaAnalysis(
    [property: Id(0)] DatabaseCatalog Source,
    [property: Id(1)] DatabaseCatalog Target,
    [property: Id(2)] IReadOnlyDictionary<string, TableClass> Classes);
