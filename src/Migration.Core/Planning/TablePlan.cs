using Migration.Core.Catalog;
using Migration.Core.Migrations;

namespace Migration.Core.Planning;

/// <summary>How one table is moved.</summary>
/// <param name="KeyColumns">The paging key (empty for ctid ranges).</param>
/// <param name="CreateInTarget">The target has no such table: it is created from the source definition.</param>
/// <param name="DependsOn">Parents (through foreign keys) that are loaded in earlier waves.</param>
public sealed record TablePlan(
    QualifiedName Table,
    TableClass Class,
    long EstimatedRows,
    int Wave,
    WritePath WritePath,
    PagingStrategy Paging,
    IReadOnlyList<string> KeyColumns,
    bool CreateInTarget,
    int InitialBatchSize,
    TimeSpan EstimatedDuration,
    IReadOnlyList<QualifiedName> DependsOn,
    string Strategy,
    string Reason,
    TableMapping Mapping)
{
    /// <summary>Binary unless a column's binary form would carry source-only type OIDs (see <see cref="CopyFormat"/>).</summary>
    public CopyFormat CopyFormat { get; init; } = CopyFormat.Binary;

    /// <summary>
    /// The target checks this table's foreign keys while it is loaded (an existing table kept with
    /// <see cref="ForeignKeyMode.Keep"/>): it can only start once every table in <see cref="DependsOn"/> is loaded.
    /// Other tables get their connection rules after the load and may be copied in any order.
    /// </summary>
    public bool ChecksForeignKeysDuringLoad { get; init; }

    /// <summary>
    /// Large enough (at least four of the largest pages) and paged on one integer key, so that it can be cut into key
    /// ranges copied concurrently.
    /// </summary>
    public bool SplitsIntoKeyRanges(BatchSettings batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Paging == PagingStrategy.Keyset
            && KeyColumns.Count == 1
            && EstimatedRows >= 4L * batch.MaxBatchSize
            && IsIntegerKeyType(Mapping.Columns.FirstOrDefault(c => c.SourceColumn == KeyColumns[0])?.SourceType);
    }

    /// <summary>
    /// Large enough (at least four of the largest pages) and paged by heap block ranges (no usable key), so that it can
    /// be cut into block ranges copied concurrently.
    /// </summary>
    public bool SplitsIntoBlockRanges(BatchSettings batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Paging == PagingStrategy.CtidRange && EstimatedRows >= 4L * batch.MaxBatchSize;
    }

    /// <summary>Whether the table is cut into ranges (of keys or of heap blocks) copied concurrently.</summary>
    public bool SplitsIntoRanges(BatchSettings batch) => SplitsIntoKeyRanges(batch) || SplitsIntoBlockRanges(batch);

    /// <summary>Whether a key column of this PostgreSQL type (as <c>format_type</c> names it) can be paged by arithmetic.</summary>
    public static bool IsIntegerKeyType(string? type) => type is "smallint" or "integer" or "bigint";

    public string PagingDescription => Paging == PagingStrategy.Keyset
        ? $"keyset on ({string.Join(", ", KeyColumns)})"
        : "ctid block ranges (no primary or unique not-null key)";
}
