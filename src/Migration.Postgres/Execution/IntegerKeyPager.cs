using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Pages of a table keyed by ONE integer column (smallint, integer, bigint), cut by arithmetic on the key instead of
/// counting rows through the index: a page starts at the first key after the checkpoint (one index lookup, so gaps in
/// the key cost nothing) and spans the page size divided by the rows per key seen in the previous page (one row per
/// key at first: unique integer keys never hold more, so the first page cannot overshoot). The largest key is read
/// once; the page that reaches it is the last, open-ended, so rows added beyond it during the copy are copied too.
/// A pager given an end cuts only the keys up to it (one range of a table split for concurrent copying): its last
/// page ends exactly there.
/// </summary>
internal sealed class IntegerKeyPager : IPager
{
    private readonly TableCopyContext _context;
    private readonly string _key;
    private readonly string _type;
    private readonly long? _end;
    private bool _maxRead;
    private long? _max;
    private double _rowsPerKey = 1;
    private Int128 _span;

    /// <param name="end">The inclusive end of the key range this pager cuts (null: to the end of the table).</param>
    public IntegerKeyPager(TableCopyContext context, long? end = null)
    {
        _context = context;
        _end = end;
        _key = QualifiedName.QuoteIdentifier(context.KeyColumns[0]);
        _type = context.KeyTypes[0];
    }

    /// <summary>Whether the table's paging key is one column of an integer type.</summary>
    public static bool Supports(TableCopyContext context) =>
        context.KeyColumns.Count == 1 && TablePlan.IsIntegerKeyType(context.KeyTypes[0]);

    public bool ExactPageSize => false;

    public string OrderBy => _key;

    public async Task<PageRange> NextAsync(NpgsqlConnection source, NpgsqlTransaction transaction, IReadOnlyList<string?>? lastKey, int pageSize, CancellationToken cancellationToken)
    {
        long? after = lastKey is { Count: 1 } && lastKey[0] is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;
        var where = after is null ? null : $"{_key} > {Literal(after.Value)}";
        var filter = where is null ? "" : " WHERE " + where;
        if (_end is { } end)
        {
            return await NextInRangeAsync(source, transaction, lastKey, after, where, end, pageSize, cancellationToken);
        }

        if (!_maxRead)
        {
            _max = await ReadKeyAsync(source, transaction, $"SELECT {_key} FROM {_context.Source.Quoted} ORDER BY {_key} DESC LIMIT 1", cancellationToken);
            _maxRead = true;
        }

        var first = _max is null ? null : await ReadKeyAsync(source, transaction, $"SELECT {_key} FROM {_context.Source.Quoted}{filter} ORDER BY {_key} LIMIT 1", cancellationToken);
        _span = SpanFor(pageSize);
        if (first is null || (Int128)first.Value - 1 + _span >= _max!.Value)
        {
            // The last page: everything after the checkpoint. Its checkpoint records the real last key of the table.
            var final = first is null ? null : await ReadKeyAsync(source, transaction, $"SELECT {_key} FROM {_context.Source.Quoted}{filter} ORDER BY {_key} DESC LIMIT 1", cancellationToken);
            return new PageRange(where ?? "true", final is null ? lastKey : [Text(final.Value)], IsLast: true, $"({Describe(after)}, +inf)");
        }

        var upper = (long)((Int128)first.Value - 1 + _span);
        var upTo = $"{_key} <= {Literal(upper)}";
        return new PageRange(where is null ? upTo : $"{where} AND {upTo}", [Text(upper)], IsLast: false, $"({Describe(after)}, {Text(upper)}]");
    }

    private async Task<PageRange> NextInRangeAsync(
        NpgsqlConnection source,
        NpgsqlTransaction transaction,
        IReadOnlyList<string?>? lastKey,
        long? after,
        string? where,
        long end,
        int pageSize,
        CancellationToken cancellationToken)
    {
        var upToEnd = $"{_key} <= {Literal(end)}";
        var first = after >= end ? null : await ReadKeyAsync(
            source,
            transaction,
            $"SELECT {_key} FROM {_context.Source.Quoted} WHERE {(where is null ? upToEnd : $"{where} AND {upToEnd}")} ORDER BY {_key} LIMIT 1",
            cancellationToken);
        _span = SpanFor(pageSize);
        var upper = first is null ? end : (long)Int128.Min((Int128)first.Value - 1 + _span, end);
        var upTo = $"{_key} <= {Literal(upper)}";
        return new PageRange(
            where is null ? upTo : $"{where} AND {upTo}",
            [Text(upper)],
            IsLast: upper == end,
            $"({Describe(after)}, {Text(upper)}]");
    }

    /// <summary>Keys a page of <paramref name="pageSize"/> rows should span at the density seen last.</summary>
    private Int128 SpanFor(int pageSize) => (Int128)Math.Min(Math.Max(1, Math.Floor(pageSize / _rowsPerKey)), long.MaxValue);

    public void Observe(long rows, PageRange range, IReadOnlyList<string?>? lastKey)
    {
        if (!range.IsLast && rows > 0)
        {
            // The range just copied is the best guess for the next one.
            _rowsPerKey = Math.Clamp(rows / (double)_span, 1e-18, 1);
        }
    }

    private static async Task<long?> ReadKeyAsync(NpgsqlConnection source, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, source, transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private string Literal(long value) => $"{Text(value)}::{_type}";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(long? key) => key is null ? "-inf" : Text(key.Value);
}
