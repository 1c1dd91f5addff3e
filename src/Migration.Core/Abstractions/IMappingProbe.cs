using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Core.Abstractions;

/// <summary>
/// What the mapping needs from a live database beyond its catalog: the SQL of a spec (row filters, expressions)
/// checked by the server that will run it, and sampled values of columns (for suggestions and for finding values a
/// target enum does not have before anything is written).
/// </summary>
public interface IMappingProbe
{
    /// <summary>
    /// Prepares every filter and expression of <paramref name="spec"/> against the source without reading rows
    /// (<c>SELECT expr FROM table WHERE filter AND false</c>); each one PostgreSQL rejects becomes an
    /// <see cref="MappingIssueSeverity.Error"/> at its JSON path with PostgreSQL's message.
    /// </summary>
    Task<IReadOnlyList<MappingIssue>> CheckSqlAsync(string sourceConnectionString, MappingSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxDistinct"/> distinct non-NULL values (as text) of each column of
    /// <paramref name="table"/>, read from a bounded sample of its rows.
    /// </summary>
    Task<IReadOnlyList<SampledColumn>> SampleAsync(string connectionString, QualifiedName table, IReadOnlyList<string> columns, int maxDistinct,
        CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> rows of a small table, every column as text (NULL as null), in key order.</summary>
    Task<IReadOnlyList<IReadOnlyList<string?>>> ReadRowsAsync(string connectionString, QualifiedName table, IReadOnlyList<string> columns, int limit,
        CancellationToken cancellationToken = default);
}
