namespace Migration.Postgres.Execution;

/// <summary>What one committed page did (or that the table was already complete when the page started).</summary>
internal sealed record PageOutcome(
    long Rows,
    TimeSpan Duration,
    long TableRowsCopied,
    int BatchesCompleted,
    bool TableCompleted,
    bool WasAlreadyComplete,
    string BatchId,
    string Range)
{
    /// <summary>Rows of the page set aside in the quarantine (the page was bisected).</summary>
    public long Quarantined { get; init; }
}
