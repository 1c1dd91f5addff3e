namespace Migration.Postgres.Execution;

/// <summary>
/// One key range of a table copied as its own sequence of pages with its own checkpoint row: keys after the
/// checkpoint up to <paramref name="End"/> inclusive (null: to the end of the table). A table copied in one piece is
/// the single chunk 0 with no end.
/// </summary>
internal sealed record CopyChunk(int Number, string? End, long RowsCopied, int Batches, bool Completed = false);
