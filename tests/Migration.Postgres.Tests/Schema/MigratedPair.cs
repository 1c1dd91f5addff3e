using Microsoft.Extensions.Logging.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Catalog;
using Migration.Postgres.Schema;
using Migration.Testing;

namespace Migration.Postgres.Tests.Schema;

/// <summary>A source database with the rich schema and a target the schema builder created and the test loaded.</summary>
internal sealed record MigratedPair(string Source, string Target, DatabaseCatalog Catalog, MigrationPlan Plan)
{
    public static PostgresCatalogReader Reader { get; } = new(NullLogger<PostgresCatalogReader>.Instance);

    public static PostgresTargetSchemaBuilder Builder { get; } = new(NullLogger<PostgresTargetSchemaBuilder>.Instance);

    /// <summary>Source loaded and read; target empty.</summary>
    public static async Task<MigratedPair> CreateEmptyAsync(PostgresServer server, string prefix)
    {
        var source = await server.CreateDatabaseAsync(prefix + "_src");
        await RichSchema.LoadAsync(source);
        var target = await server.CreateDatabaseAsync(prefix + "_dst");
        var catalog = await Reader.ReadAsync(source, CatalogFilter.All, exactCounts: false);
        return new MigratedPair(source, target, catalog, TestPlans.For(catalog, createInTarget: true));
    }

    /// <summary>Prepare, copy every table, finish: the target is a complete copy.</summary>
    public static async Task<MigratedPair> CreateAsync(PostgresServer server, string prefix)
    {
        var pair = await CreateEmptyAsync(server, prefix);
        await Builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);
        await TableData.CopyAsync(pair.Source, pair.Target, pair.Plan);
        await Builder.FinishAsync(pair.Target, pair.Catalog, pair.Plan);
        return pair;
    }
}
