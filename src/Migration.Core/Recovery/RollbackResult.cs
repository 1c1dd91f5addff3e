namespace Migration.Core.Recovery;

/// <summary>
/// The outcome of a rollback. It is committed only when every table matches its baseline (row count and content
/// checksum), so <see cref="Verified"/> false means nothing was changed.
/// </summary>
public sealed record RollbackResult(
    string MigrationId,
    bool Verified,
    IReadOnlyList<TableRollback> Tables,
    long MappingsRemoved,
    long CheckpointsRemoved,
    TimeSpan Duration,
    DateTimeOffset CompletedAt)
{
    public long RowsRemoved => Tables.Sum(t => t.RowsRemoved);

    public string Summary => Verified
        ? $"Rolled back {Tables.Count} table(s): {RowsRemoved:N0} rows removed, {Tables.Count(t => t.Action == "dropped")} created table(s) dropped, " +
          $"{MappingsRemoved:N0} id mappings and {CheckpointsRemoved:N0} checkpoints removed; every table's count and content checksum equal the baseline."
        : "Rollback NOT done (nothing was changed): " + string.Join("; ", Tables.Where(t => !t.MatchesBaseline).Select(t => $"{t.Table}: {t.Issue}"));
}
