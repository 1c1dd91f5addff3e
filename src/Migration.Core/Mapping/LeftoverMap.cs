namespace Migration.Core.Mapping;

/// <summary>
/// Source columns folded into one JSONB target column: a JSON object whose keys are the source column names and
/// whose values are <c>to_jsonb(value)</c>; NULL values are left out, and a row with nothing left over gets
/// <c>{}</c>.
/// </summary>
/// <param name="TargetColumn">The target column (type jsonb or json).</param>
public sealed record LeftoverMap(string TargetColumn)
{
    /// <summary>The source columns folded in, in this order (used when <see cref="AllUnmapped"/> is false).</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>
    /// Fold every source column that the table's other entries do not read (<see cref="TableMap.ReadSourceColumns"/>),
    /// excluding stored generated columns, in source column order. <see cref="Columns"/> is then ignored.
    /// </summary>
    public bool AllUnmapped { get; init; }

    /// <summary>The source columns folded in for a source table with columns <paramref name="sourceColumns"/>.</summary>
    public IReadOnlyList<string> Resolve(TableMap table, IEnumerable<string> sourceColumns)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(sourceColumns);
        if (!AllUnmapped)
        {
            return Columns;
        }

        var read = table.ReadSourceColumns().ToHashSet(StringComparer.Ordinal);
        return sourceColumns.Where(c => !read.Contains(c)).ToList();
    }
}
