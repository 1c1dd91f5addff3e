using Migration.Core.Catalog;
using Migration.Testing;

namespace Migration.Postgres.Tests.Schema;

/// <summary>
/// One source database with the rich schema, loaded once per test class and only read by its tests (every test
/// still writes to a target database of its own).
/// </summary>
public sealed class RichSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Database, DatabaseCatalog Catalog)? _loaded;

    public async Task<(string Database, DatabaseCatalog Catalog)> GetAsync(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        await _gate.WaitAsync();
        try
        {
            if (_loaded is null)
            {
                var database = await server.CreateDatabaseAsync("rich_src");
                await RichSchema.LoadAsync(database);
                await PostgresServer.ExecuteAsync(database, "ANALYZE");
                _loaded = (database, await MigratedPair.Reader.ReadAsync(database, CatalogFilter.All, exactCounts: false));
            }

            return _loaded.Value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
