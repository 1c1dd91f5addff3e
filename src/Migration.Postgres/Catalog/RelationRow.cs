using Migration.Core.Catalog;

namespace Migration.Postgres.Catalog;

/// <summary>One table or partitioned table as pg_class describes it, before columns and constraints are attached.</summary>
internal sealed record RelationRow(
    uint Oid,
    QualifiedName Name,
    bool IsPartitioned,
    double RelTuples,
    int RelPages,
    long SizeBytes,
    long HeapBytes,
    long BlockSize,
    uint? ParentOid,
    string? PartitionBound,
    string? PartitionKey)
{
    /// <summary>
    /// The statistics' row estimate scaled to the current size the way the planner does it, or null when the table
    /// was never vacuumed or analyzed (reltuples = -1) or has grown from nothing since.
    /// </summary>
    public long? StatisticsEstimate
    {
        get
        {
            if (RelTuples < 0 || (RelPages == 0 && HeapBytes > 0))
            {
                return null;
            }

            if (RelPages == 0)
            {
                return (long)RelTuples;
            }

            var currentPages = HeapBytes / BlockSize;
            return (long)Math.Round(RelTuples / RelPages * currentPages);
        }
    }
}
