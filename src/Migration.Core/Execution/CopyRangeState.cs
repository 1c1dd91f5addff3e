namespace Migration.Core.Execution;

/// <summary>One key range of a table as its checkpoint records it: rows and pages committed so far, and whether it is done.</summary>
public sealed record CopyRangeState(int Number, long RowsCopied, int Batches, bool Completed);
