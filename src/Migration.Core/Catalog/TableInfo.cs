namespace Migration.Core.Catalog;

/// <summary>A table with everything the planner and the copy need to know about it.</summary>
/// <param name="EstimatedRows">From pg_class.reltuples (or the exact count when one was taken); never negative.</param>
/// <param name="ExactRows">An exact count(*) when one was taken, otherwise null.</param>
/// <param name="PartitionParent">The partitioned table this one is a partition of, if any.</param>
/// <param name="PartitionKey">pg_get_partkeydef of a partitioned table.</param>
/// <param name="PartitionBound">pg_get_expr(relpartbound) of a partition.</param>
public sealed record TableInfo(
    QualifiedName Name,
    IReadOnlyList<ColumnInfo> Columns,
    KeyConstraint? PrimaryKey,
    IReadOnlyList<KeyConstraint> UniqueKeys,
    IReadOnlyList<ForeignKeyInfo> ForeignKeys,
    IReadOnlyList<IndexInfo> Indexes,
    IReadOnlyList<CheckConstraintInfo> Checks,
    long EstimatedRows,
    long? ExactRows,
    long SizeBytes,
    bool IsPartitioned,
    QualifiedName? PartitionParent,
    string? PartitionKey,
    string? PartitionBound)
{
    public long Rows => ExactRows ?? EstimatedRows;

    /// <summary>Columns that receive data (stored generated columns are computed by the target).</summary>
    public IEnumerable<ColumnInfo> CopyableColumns => Columns.Where(c => !c.IsGenerated);

    public ColumnInfo? FindColumn(string name) => Columns.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// The key that pages are cut on: the primary key, else a unique key whose columns are all NOT NULL; null when
    /// the table has neither (it is then read in ctid block ranges).
    /// </summary>
    public IReadOnlyList<string>? PagingKey =>
        PrimaryKey?.Columns
        ?? UniqueKeys.FirstOrDefault(u => u.Columns.All(c => FindColumn(c) is { IsNullable: false }))?.Columns;
}
