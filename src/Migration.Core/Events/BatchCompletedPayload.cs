namespace Migration.Core.Events;

public sealed record BatchCompletedPayload(
    string Table,
    string BatchId,
    long Rows,
    TimeSpan Duration,
    long TableRowsCopied,
    long TableRowsTotal,
    int NextBatchSize,
    double RowsPerSecond,
    bool Validated) : EventPayload;
