namespace Migration.Postgres.Execution;

/// <summary>A checkpoint as read inside a page's transaction, under the table's advisory lock.</summary>
internal sealed record CommittedCheckpoint(IReadOnlyList<string?>? LastKey, long RowsCopied, int Batches, bool Completed)
{
    public static CommittedCheckpoint Initial { get; } = new(null, 0, 0, false);
}
