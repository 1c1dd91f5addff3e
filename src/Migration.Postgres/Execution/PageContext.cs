namespace Migration.Postgres.Execution;

/// <summary>What every page of one key range shares: the table, the range's number and how its pages are cut.</summary>
/// <param name="Ranged">The table is split into several ranges (page ids then name the range).</param>
internal sealed record PageContext(TableCopyContext Table, int Chunk, bool Ranged, PageSql Sql, IPager Pager);
