using System.Globalization;

namespace Migration.Postgres.Execution;

/// <summary>The statements of one table's pages (built once per table copy).</summary>
internal sealed class PageSql
{
    private readonly TableCopyContext _context;
    private readonly string _orderBy;
    private readonly string _format;

    public PageSql(TableCopyContext context, IPager pager)
    {
        _context = context;
        _orderBy = pager.OrderBy.Length == 0 ? "" : $" ORDER BY {pager.OrderBy}";
        _format = context.Binary ? "binary" : "text";
        CopyIn = $"COPY {context.Target.Quoted} ({context.TargetColumnList}) FROM STDIN (FORMAT {_format})";
        InsertedCount = string.Create(
            CultureInfo.InvariantCulture,
            $"SELECT coalesce(sum(pg_stat_get_xact_tuples_inserted(r.relid)), 0)::bigint FROM (SELECT {context.TargetOid}::oid AS relid UNION SELECT relid FROM pg_partition_tree({context.TargetOid}::oid::regclass)) r");
    }

    public string CopyIn { get; }

    /// <summary>Rows inserted into the target relation (and its partitions) by the current transaction so far.</summary>
    public string InsertedCount { get; }

    public string Select(PageRange range) =>
        $"SELECT {_context.SourceColumnList} FROM {_context.Source.Quoted} WHERE {range.SourcePredicate}{_orderBy}";

    public string CopyOut(PageRange range) => $"COPY ({Select(range)}) TO STDOUT (FORMAT {_format})";
}
