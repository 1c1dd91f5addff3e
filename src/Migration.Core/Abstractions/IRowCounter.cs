using Migration.Core.Catalog;

namespace Migration.Core.Abstractions;

/// <summary>Exact row counts, taken when a table starts so that progress and ETA rest on real totals.</summary>
public interface IRowCounter
{
    Task<long> CountAsync(string connectionString, QualifiedName table, CancellationToken cancellationToken = default);
}
