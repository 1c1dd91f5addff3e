namespace Migration.Core.Execution;

/// <summary>One committed page: its rows, how long it took, the table's totals after it and the next page size.</summary>
public sealed record BatchResult(
    string Table,
    string BatchId,
    int Rows,
    TimeSpan Duration,
    long TableRowsCopied,
    int BatchesCompleted,
    int NextBatchSize,
    bool Validated)
{
    /// <summary>Rows of this page set aside in the quarantine (its other rows committed).</summary>
    public int RowsQuarantined { get; init; }
}
