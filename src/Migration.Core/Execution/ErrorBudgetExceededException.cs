namespace Migration.Core.Execution;

/// <summary>
/// A table set aside more bad rows than its <see cref="ErrorBudget"/> allows: the page in flight was rolled back (its
/// good rows and its quarantined rows with it) and the copy stops for a person to decide (seed L3).
/// </summary>
public sealed class ErrorBudgetExceededException : Exception
{
    public ErrorBudgetExceededException(string table, string? batchId, long quarantined, long rowsSeen, ErrorBudget budget, QuarantineReason lastReason)
        : base($"{table}: {quarantined} bad row(s) out of {rowsSeen} seen exceed the error budget ({budget}); last: {lastReason?.Message}")
    {
        Table = table;
        BatchId = batchId;
        Quarantined = quarantined;
        RowsSeen = rowsSeen;
        Budget = budget;
        LastReason = lastReason;
    }

    public ErrorBudgetExceededException() { }

    public ErrorBudgetExceededException(string message) : base(message) { }

    public ErrorBudgetExceededException(string message, Exception innerException) : base(message, innerException) { }

    public string Table { get; } = "";

    public string? BatchId { get; }

    public long Quarantined { get; }

    public long RowsSeen { get; }

    public ErrorBudget Budget { get; } = ErrorBudget.Default;

    public QuarantineReason? LastReason { get; }
}
