namespace Migration.Core.Execution;

/// <summary>One key range of a table as its checkpoint records it: rows and pages committed so far, and whether it is done.</summary>
public sealed record CopyRangeState(int Number, long RowsCopied, int Batches, bool Completed)
{
    /// <summary>Rows of the range set aside in the quarantine so far (all runs).</summary>
    public long RowsQuarantined { get; init; }
}
