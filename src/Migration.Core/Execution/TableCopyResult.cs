namespace Migration.Core.Execution;

public sealed record TableCopyResult(string Table, long RowsCopied, int Batches, TimeSpan Duration);
