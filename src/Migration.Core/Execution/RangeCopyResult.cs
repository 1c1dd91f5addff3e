namespace Migration.Core.Execution;

/// <summary>A key range copied to its end: the range's totals as its checkpoint records them (earlier runs included).</summary>
public sealed record RangeCopyResult(string Table, int Range, long RowsCopied, int Batches, TimeSpan Duration)
{
    /// <summary>Rows of the range set aside in the quarantine (all runs); a table's count is the sum over its ranges.</summary>
    public long RowsQuarantined { get; init; }
}
