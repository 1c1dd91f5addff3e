using System.Globalization;
using Migration.Core.Catalog;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Cuts keyset pages: the upper bound of the next page comes from an index-only query
/// <c>SELECT k::text … WHERE (k) &gt; (last) ORDER BY k OFFSET n-1 LIMIT 1</c>; a row means the page is exactly n
/// rows (last, bound], none means it is the last page (last, +inf). Key values travel as text and are cast back
/// with the key columns' types.
/// </summary>
internal sealed class KeysetPager : IPager
{
    private readonly TableCopyContext _context;
    private readonly string _sourceKeys;
    private readonly string _sourceOrder;
    private readonly string _sourceOrderDescending;
    private readonly string _selectKeys;

    public KeysetPager(TableCopyContext context)
    {
        _context = context;
        var quoted = context.KeyColumns.Select(QualifiedName.QuoteIdentifier).ToList();
        _sourceKeys = RowExpression(quoted);
        _sourceOrder = string.Join(", ", quoted);
        _sourceOrderDescending = string.Join(", ", quoted.Select(k => k + " DESC"));
        // Aliased: an output column named like a key column would make ORDER BY sort by its text.
        _selectKeys = string.Join(", ", quoted.Select((k, i) => $"{k}::text AS key{i.ToString(CultureInfo.InvariantCulture)}"));
    }

    public bool ExactPageSize => true;

    public string OrderBy => _sourceOrder;

    public void Observe(long rows, PageRange range, IReadOnlyList<string?>? lastKey)
    {
        // Pages are cut by counting rows: nothing to learn.
    }

    public async Task<PageRange> NextAsync(NpgsqlConnection source, NpgsqlTransaction transaction, IReadOnlyList<string?>? lastKey, int pageSize, CancellationToken cancellationToken)
    {
        var after = lastKey is null ? null : $"{_sourceKeys} > {Literals(lastKey, _context.KeyTypes)}";
        var where = after is null ? "" : $" WHERE {after}";
        var bound = await ReadKeyAsync(
            source,
            transaction,
            $"SELECT {_selectKeys} FROM {_context.Source.Quoted}{where} ORDER BY {_sourceOrder} OFFSET {(pageSize - 1).ToString(CultureInfo.InvariantCulture)} LIMIT 1",
            cancellationToken);

        if (bound is not null)
        {
            var upTo = $"{_sourceKeys} <= {Literals(bound, _context.KeyTypes)}";
            return new PageRange(
                after is null ? upTo : $"{after} AND {upTo}",
                bound,
                IsLast: false,
                $"({Describe(lastKey)}, {Describe(bound)}]");
        }

        // Last page: everything after lastKey. Its checkpoint records the real last key of the table.
        var final = await ReadKeyAsync(
            source,
            transaction,
            $"SELECT {_selectKeys} FROM {_context.Source.Quoted}{where} ORDER BY {_sourceOrderDescending} LIMIT 1",
            cancellationToken);
        return new PageRange(
            after ?? "true",
            final ?? lastKey,
            IsLast: true,
            $"({Describe(lastKey)}, +inf)");
    }

    private static async Task<IReadOnlyList<string?>?> ReadKeyAsync(NpgsqlConnection source, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, source, transaction) { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var key = new string?[reader.FieldCount];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
        }

        return key;
    }

    private static string RowExpression(IReadOnlyList<string> quoted) =>
        quoted.Count == 1 ? quoted[0] : $"({string.Join(", ", quoted)})";

    private static string Literals(IReadOnlyList<string?> key, IReadOnlyList<string> types)
    {
        if (key.Count != types.Count)
        {
            throw new InvalidOperationException($"A checkpoint key has {key.Count} values but the table's key has {types.Count} columns.");
        }

        var values = key.Select((v, i) => v is null ? $"NULL::{types[i]}" : SqlLiteral.Typed(v, types[i])).ToList();
        return values.Count == 1 ? values[0] : $"({string.Join(", ", values)})";
    }

    private static string Describe(IReadOnlyList<string?>? key) =>
        key is null ? "-inf" : string.Join(",", key.Select(v => v is null ? "null" : v.Length > 40 ? v[..40] + "…" : v));
}
