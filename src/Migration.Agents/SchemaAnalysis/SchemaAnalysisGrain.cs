using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Orleans.Concurrency;

namespace Migration.Agents.SchemaAnalysis;

/// <summary>Reads both catalogs concurrently: the source with statistics' estimates, the target with exact counts.</summary>
[StatelessWorker]
public sealed class SchemaAnalysisGrain(ICatalogReader reader) : Grain, ISchemaAnalysisGrain
{
    public async Task<Abstractions.SchemaAnalysis> AnalyzeAsync(string sourceConnectionString, string targetConnectionString, CatalogFilter filter)
    {
        var source = reader.ReadAsync(sourceConnectionString, filter, exactCounts: false);
        // The target is normally empty, so exact counts are cheap there and tell us reliably whether it already has rows.
        var target = reader.ReadAsync(targetConnectionString, CatalogFilter.All, exactCounts: true);
        await Task.WhenAll(source, target);
        var classes = (await source).Tables.ToDictionary(t => t.Name.ToString(), TableClassifier.Classify);
        return new Abstractions.SchemaAnalysis(await source, await target, classes);
    }
}
