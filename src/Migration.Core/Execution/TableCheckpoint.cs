namespace Migration.Core.Execution;

/// <summary>
/// How far a table (or a chunk of it) has been copied, as committed in the target together with the rows.
/// <paramref name="LastKey"/> holds the key values of the last committed row as text (keyset), or the next block
/// number as a single value (ctid ranges); null before the first page.
/// </summary>
public sealed record TableCheckpoint(string Table, int Chunk, IReadOnlyList<string?>? LastKey, long RowsCopied, int BatchesCompleted, bool Completed);
