using Microsoft.Extensions.Logging;

namespace Migration.Postgres.Execution;

internal static partial class BadRowLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Page of {Table} ({Range}) failed on its data (SQLSTATE {SqlState}): bisecting it to set the bad rows aside")]
    public static partial void Isolating(ILogger logger, string table, string range, string? sqlState);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Quarantined a row of {Table} (key {Key}) in {BatchId}: SQLSTATE {SqlState}, constraint {Constraint}, column {Column}")]
    public static partial void Quarantined(ILogger logger, string table, string key, string batchId, string? sqlState, string? constraint, string? column);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Isolated {BatchId} of {Table}: {Written} rows written, {Quarantined} set aside in {Attempts} sub-writes")]
    public static partial void Isolated(ILogger logger, string batchId, string table, long written, long quarantined, int attempts);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Error budget of {Table} exhausted: {Quarantined} bad rows of {RowsSeen} seen ({Budget}); the page was rolled back and the copy stops for a decision")]
    public static partial void BudgetExhausted(ILogger logger, string table, long quarantined, long rowsSeen, string budget);
}
