using Migration.Core.Catalog;

namespace Migration.Core.Abstractions;

/// <summary>Reads a database's catalog (Schema Analysis).</summary>
public interface ICatalogReader
{
    /// <param name="exactCounts">Take count(*) of every table as well as the statistics' estimate.</param>
    Task<DatabaseCatalog> ReadAsync(string connectionString, CatalogFilter filter, bool exactCounts, CancellationToken cancellationToken = default);
}
