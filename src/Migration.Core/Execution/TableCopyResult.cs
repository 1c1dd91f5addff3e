namespace Migration.Core.Execution;

public sealed record TableCopyResult(string Table, long RowsCopied, int Batches, TimeSpan Duration)
{
    /// <summary>Rows of the table set aside in the quarantine (all runs): source rows = copied + quarantined.</summary>
    public long RowsQuarantined { get; init; }
}
