using Migration.Core.Catalog;

namespace Migration.Agents.Abstractions;

/// <summary>Schema Analysis agent: reads both catalogs and classifies the tables.</summary>
public interface ISchemaAnalysisGrain : IGrainWithStringKey
{
    Task<SchemaAnalysis> AnalyzeAsync(string sourceConnectionString, string targetConnectionString, CatalogFilter filter);
}
