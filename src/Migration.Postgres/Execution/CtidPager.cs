using System.Globalization;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Pages of a table without a usable key: ranges of heap blocks read with TID range scans (PostgreSQL 14+),
/// <c>ctid &gt;= '(b,0)' AND ctid &lt; '(e,0)'</c>. The block span of a page is the page size divided by the
/// observed rows per block. The checkpoint is the next block. The source must be quiescent: rows written into blocks
/// already copied are not seen (the last page is open-ended, so rows appended at the end while it runs are).
/// </summary>
internal sealed class CtidPager(TableCopyContext context) : IPager
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
        var end = start + span;
        var startTid = $"'({start.ToString(CultureInfo.InvariantCulture)},0)'::tid";
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
        if (range.IsLast || rows <= 0)
        {
            return;
        }

        var start = lastKey is { Count: > 0 } && lastKey[0] is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : 0L;
        var end = long.Parse(range.NextCheckpointKey![0]!, CultureInfo.InvariantCulture);
        var observed = (double)rows / Math.Max(1, end - start);
        _rowsPerBlock = Math.Max(1, (_rowsPerBlock + observed) / 2);
    }
}
