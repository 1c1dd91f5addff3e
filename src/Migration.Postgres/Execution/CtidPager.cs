using System.Globalization;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Pages of a table without a usable key: ranges of heap blocks read with TID range scans (PostgreSQL 14+),
/// <c>ctid &gt;= '(b,0)' AND ctid &lt; '(e,0)'</c>. The block span of a page is the page size divided by the
/// observed rows per block. The checkpoint is the next block. The source must be quiescent: rows written into blocks
/// already copied are not seen (the last page is open-ended, so rows appended at the end while it runs are).
/// A pager given an end cuts only the blocks before it (one block range of a table split for concurrent copying):
/// its last page ends exactly there, and the next range starts at that block.
/// </summary>
/// <param name="endBlock">The exclusive end block of the range this pager cuts (null: to the end of the table).</param>
internal sealed class CtidPager(TableCopyContext context, long? endBlock = null) : IPager
{
    private double _rowsPerBlock = context.RowsPerBlock;

    public bool ExactPageSize => false;

    public string OrderBy => "";

    public Task<PageRange> NextAsync(NpgsqlConnection source, NpgsqlTransaction transaction, IReadOnlyList<string?>? lastKey, int pageSize, CancellationToken cancellationToken) =>
        Task.FromResult(Next(lastKey, pageSize));

    private PageRange Next(IReadOnlyList<string?>? lastKey, int pageSize)
    {
        var start = lastKey is { Count: > 0 } && lastKey[0] is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : 0L;
        var span = Math.Max(1L, (long)Math.Floor(pageSize / _rowsPerBlock));
        var startTid = $"'({start.ToString(CultureInfo.InvariantCulture)},0)'::tid";
        if (endBlock is { } rangeEnd)
        {
            var upper = Math.Min(start + span, rangeEnd);
            var upperText = upper.ToString(CultureInfo.InvariantCulture);
            return new PageRange($"ctid >= {startTid} AND ctid < '({upperText},0)'::tid", [upperText], IsLast: upper >= rangeEnd, $"blocks [{start}, {upper})");
        }

        var end = start + span;
        if (end >= context.BlockCount)
        {
            return new PageRange($"ctid >= {startTid}", [context.BlockCount > start ? context.BlockCount.ToString(CultureInfo.InvariantCulture) : start.ToString(CultureInfo.InvariantCulture)], IsLast: true, $"blocks [{start}, end)");
        }

        var endText = end.ToString(CultureInfo.InvariantCulture);
        return new PageRange($"ctid >= {startTid} AND ctid < '({endText},0)'::tid", [endText], IsLast: false, $"blocks [{start}, {end})");
    }

    /// <summary>Refines the rows-per-block estimate from a copied page.</summary>
    public void Observe(long rows, PageRange range, IReadOnlyList<string?>? lastKey)
    {
        if ((range.IsLast && endBlock is null) || rows <= 0)
        {
            return;
        }

        var start = lastKey is { Count: > 0 } && lastKey[0] is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : 0L;
        var end = long.Parse(range.NextCheckpointKey![0]!, CultureInfo.InvariantCulture);
        var observed = (double)rows / Math.Max(1, end - start);
        _rowsPerBlock = Math.Max(1, (_rowsPerBlock + observed) / 2);
    }
}
