using Microsoft.Extensions.Logging.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Catalog;
using Migration.Postgres.Schema;
using Migration.Testing;

namespace Migration.Postgres.Tests.Schema;

/// <summary>The rich source database and a target of the test's own, created by the schema builder and loaded.</summary>
internal sealed record MigratedPair(string Source, string Target, DatabaseCatalog Catalog, MigrationPlan Plan)
{
    public static PostgresCatalogReader Reader { get; } = new(NullLogger<PostgresCatalogReader>.Instance);

    public static PostgresTargetSchemaBuilder Builder { get; } = new(NullLogger<PostgresTargetSchemaBuilder>.Instance);

    /// <summary>The shared source and an empty target of the test's own.</summary>
    public static async Task<MigratedPair> CreateEmptyAsync(PostgresServer server, RichSource source, string prefix)
    {
        var (database, catalog) = await source.GetAsync(server);
        var target = await server.CreateDatabaseAsync(prefix + "_dst");
        return new MigratedPair(database, target, catalog, TestPlans.For(catalog, createInTarget: true));
    }

    /// <summary>Prepare, copy every table, finish: the target is a complete copy.</summary>
    public static async Task<MigratedPair> CreateAsync(PostgresServer server, RichSource source, string prefix)
    {
        var pair = await CreateEmptyAsync(server, source, prefix);
        await Builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);
        await TableData.CopyAsync(pair.Source, pair.Target, pair.Plan);
        await Builder.FinishAsync(pair.Target, pair.Catalog, pair.Plan);
        return pair;
    }
}
