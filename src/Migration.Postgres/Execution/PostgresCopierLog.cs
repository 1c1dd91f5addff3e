using Microsoft.Extensions.Logging;

namespace Migration.Postgres.Execution;

internal static partial class PostgresCopierLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Committed {BatchId}: {Rows} rows of {Range} in {ElapsedMs} ms; next page {NextBatchSize}")]
    public static partial void PageCommitted(ILogger logger, string batchId, long rows, string range, long elapsedMs, int nextBatchSize);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Page of {Table} failed transiently (attempt {Attempt}, SQLSTATE {SqlState}); retrying in {DelayMs} ms with pages of {BatchSize}")]
    public static partial void RetryingPage(ILogger logger, Exception exception, string table, int attempt, string? sqlState, long delayMs, int batchSize);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Resuming {Table} after {Rows} rows in {Batches} batches")]
    public static partial void Resuming(ILogger logger, string table, long rows, int batches);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Checkpoint of {Table} was advanced by another worker to {Rows} rows; continuing from there")]
    public static partial void CheckpointMoved(ILogger logger, string table, long rows);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Copied {Table}: {Rows} rows in {Batches} batches ({Path}, {Paging}) in {ElapsedMs} ms")]
    public static partial void TableCompleted(ILogger logger, string table, long rows, int batches, string path, string paging, long elapsedMs);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Batch {BatchId} of {Table} failed validation: {SourceRows} rows read, {TargetRows} in the target; rolled back")]
    public static partial void ValidationFailed(ILogger logger, string batchId, string table, long sourceRows, long targetRows);
}
