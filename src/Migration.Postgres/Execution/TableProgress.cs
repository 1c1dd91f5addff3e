namespace Migration.Postgres.Execution;

/// <summary>
/// A table's totals across its key ranges: the sum of what each range's checkpoint said last (checkpoints count
/// earlier runs too, so the totals stay true across resumes and when another worker commits pages of a range).
/// </summary>
internal sealed class TableProgress
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, (long Rows, int Batches)> _chunks;

    public TableProgress(IEnumerable<CopyChunk> chunks) =>
        _chunks = chunks.ToDictionary(c => c.Number, c => (c.RowsCopied, c.Batches));

    public (long Rows, int Batches) Totals
    {
        get
        {
            lock (_lock)
            {
                return (_chunks.Values.Sum(c => c.Rows), _chunks.Values.Sum(c => c.Batches));
            }
        }
    }

    /// <summary>Records a range's checkpoint and returns the table's totals.</summary>
    public (long Rows, int Batches) Record(int chunk, long rows, int batches)
    {
        lock (_lock)
        {
            _chunks[chunk] = (rows, batches);
            return (_chunks.Values.Sum(c => c.Rows), _chunks.Values.Sum(c => c.Batches));
        }
    }
}
