using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// Values read from the source to help the suggester: distinct values of candidate columns (small code sets) and the
/// rows of small lookup tables (e.g. Django's content types, status tables).
/// </summary>
public sealed record SourceSamples
{
    public static SourceSamples None { get; } = new();

    /// <summary>Distinct values per table and column.</summary>
    public IReadOnlyDictionary<QualifiedName, IReadOnlyList<SampledColumn>> Columns { get; init; } =
        new Dictionary<QualifiedName, IReadOnlyList<SampledColumn>>();

    /// <summary>All rows (as text, in column order of <see cref="TableInfo.Columns"/>) of small tables.</summary>
    public IReadOnlyDictionary<QualifiedName, IReadOnlyList<IReadOnlyList<string?>>> Rows { get; init; } =
        new Dictionary<QualifiedName, IReadOnlyList<IReadOnlyList<string?>>>();

    public SampledColumn? Find(QualifiedName table, string column) =>
        Columns.TryGetValue(table, out var columns) ? columns.FirstOrDefault(c => c.Column == column) : null;
}
