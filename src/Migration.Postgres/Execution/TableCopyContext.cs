using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Mapping;
using Migration.Core.Planning;
using Migration.Postgres.Execution.Mapping;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// Everything about one table copy that is resolved once before the first page: quoted names, column lists, key
/// columns and their types, the ctid geometry, how pages are validated and the mapped path's row type.
/// </summary>
internal sealed class TableCopyContext
{
    private const int CtidSampleBlocks = 32;

    private TableCopyContext(TableCopyRequest request, IReadOnlyList<ColumnMapping> columns)
    {
        Request = request;
        Columns = columns;
        Source = request.Table.Table;
        Target = request.Table.Mapping.Target;
        TableName = Source.ToString();
        SourceColumnList = string.Join(", ", columns.Select(c => QualifiedName.QuoteIdentifier(c.SourceColumn)));
        TargetColumnList = string.Join(", ", columns.Select(c => QualifiedName.QuoteIdentifier(c.TargetColumn)));
        Binary = request.Table.CopyFormat == CopyFormat.Binary;
    }

    public TableCopyRequest Request { get; }

    public QualifiedName Source { get; }

    public QualifiedName Target { get; }

    /// <summary>The table's name in checkpoints, batch ids and results (<c>schema.table</c> of the source).</summary>
    public string TableName { get; }

    public IReadOnlyList<ColumnMapping> Columns { get; }

    public string SourceColumnList { get; }

    public string TargetColumnList { get; }

    public bool Binary { get; }

    public bool IsKeyset => Request.Table.Paging == PagingStrategy.Keyset;

    public IReadOnlyList<string> KeyColumns { get; private set; } = [];

    public IReadOnlyList<string> KeyTypes { get; private set; } = [];

    public long BlockCount { get; private set; }

    public double RowsPerBlock { get; private set; } = 1;

    public uint TargetOid { get; private set; }

    public IMappedBulkWriter? MappedWriter { get; private set; }

    public IRowProjector? Projector { get; private set; }

    /// <summary>For a table mapped by a spec (<see cref="TableMapping.Spec"/>): its compiled spec and page writer.</summary>
    public SpecPageWriter? SpecWriter { get; private set; }

    public static async Task<TableCopyContext> CreateAsync(
        TableCopyRequest request,
        NpgsqlDataSourceProvider dataSources,
        MappedWriterCache mappedWriters,
        CancellationToken cancellationToken)
    {
        var plan = request.Table;
        var columns = plan.Mapping.Columns
            .Where(c => request.SourceColumns.Count == 0 || request.SourceColumns.Contains(c.SourceColumn))
            .ToList();
        if (columns.Count == 0 && plan.Mapping.Spec is null)
        {
            throw new ArgumentException($"Table {plan.Table} has no columns to copy.", nameof(request));
        }

        var context = new TableCopyContext(request, columns);
        await using (var source = await dataSources.OpenConnectionAsync(request.SourceConnectionString, cancellationToken))
        {
            if (context.IsKeyset)
            {
                await context.ResolveSourceKeyAsync(source, cancellationToken);
            }
            else
            {
                await context.MeasureBlocksAsync(source, cancellationToken);
            }
        }

        await using var target = await dataSources.OpenConnectionAsync(request.TargetConnectionString, cancellationToken);
        var targetColumns = await ReadTargetColumnsAsync(target, context.Target, cancellationToken);
        context.TargetOid = targetColumns.Oid;

        if (plan.Mapping.Spec is { } map)
        {
            // Enums the spec writes by name may have been created after the pool loaded its types.
            await target.ReloadTypesAsync(cancellationToken);
            await using var source = await dataSources.OpenConnectionAsync(request.SourceConnectionString, cancellationToken);
            var spec = await SpecCompiler.CompileAsync(request.Mapping ?? new MappingSpec([map]), map, context.KeyColumns, source, target, request.ControlSchema, cancellationToken);
            context.SpecWriter = new SpecPageWriter(spec);
        }
        else if (plan.WritePath == WritePath.Mapped)
        {
            // The pool's type catalog was loaded when it first connected, which may have been before the schema
            // builder created this table's enums and domains: the mapped path writes by type name, so reload it.
            await target.ReloadTypesAsync(cancellationToken);
            var mapped = new List<MappedColumn>(columns.Count);
            foreach (var column in columns)
            {
                if (!targetColumns.Columns.TryGetValue(column.TargetColumn, out var info))
                {
                    throw new InvalidOperationException($"Target table {context.Target} has no column \"{column.TargetColumn}\".");
                }

                mapped.Add(new MappedColumn(column.TargetColumn, info.DataTypeName));
            }

            context.MappedWriter = mappedWriters.Get(context.Target, mapped);
            context.Projector = new IdentityRowProjector(columns.Select(c => ReaderFor(c.SourceType)).ToList());
        }

        return context;
    }

    private static SourceValueReader ReaderFor(string sourceType) =>
        sourceType.StartsWith("interval", StringComparison.OrdinalIgnoreCase) && !sourceType.EndsWith("[]", StringComparison.Ordinal)
            ? SourceValueReader.Interval
            : SourceValueReader.Default;

    private async Task ResolveSourceKeyAsync(NpgsqlConnection source, CancellationToken cancellationToken)
    {
        var keys = Request.Table.KeyColumns;
        if (keys.Count == 0)
        {
            throw new ArgumentException($"Table {Source} is paged by key but the plan names no key columns.", nameof(Request));
        }

        var types = new List<string>(keys.Count);
        Dictionary<string, string>? catalogTypes = null;
        foreach (var key in keys)
        {
            var mapping = Request.Table.Mapping.Columns.FirstOrDefault(c => c.SourceColumn == key);
            if (mapping is not null && !string.IsNullOrWhiteSpace(mapping.SourceType))
            {
                types.Add(mapping.SourceType);
            }
            else
            {
                catalogTypes ??= await ReadColumnTypesAsync(source, Source, cancellationToken);
                types.Add(catalogTypes.TryGetValue(key, out var type)
                    ? type
                    : throw new InvalidOperationException($"Source table {Source} has no key column \"{key}\"."));
            }
        }

        KeyColumns = keys;
        KeyTypes = types;
    }

    private async Task MeasureBlocksAsync(NpgsqlConnection source, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand(
            """
            SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint, c.reltuples::float8, c.relpages::bigint
            FROM pg_class c WHERE c.oid = to_regclass($1)
            """, source))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Source.Quoted });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Source table {Source} does not exist.");
            }

            BlockCount = reader.GetInt64(0);
            var tuples = reader.GetDouble(1);
            var pages = reader.GetInt64(2);
            RowsPerBlock = tuples > 0 && pages > 0 ? tuples / pages : 0;
        }

        if (RowsPerBlock <= 0 && BlockCount > 0)
        {
            var sample = Math.Min(BlockCount, CtidSampleBlocks);
            await using var count = new NpgsqlCommand(
                $"SELECT count(*) FROM {Source.Quoted} WHERE ctid < '({sample.ToString(CultureInfo.InvariantCulture)},0)'::tid", source)
            { CommandTimeout = 0 };
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            RowsPerBlock = (double)rows / sample;
        }

        RowsPerBlock = Math.Max(1, RowsPerBlock);
    }

    private static async Task<Dictionary<string, string>> ReadColumnTypesAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            types[reader.GetString(0)] = reader.GetString(1);
        }

        return types;
    }

    private static async Task<TargetColumns> ReadTargetColumnsAsync(NpgsqlConnection target, QualifiedName table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.oid, a.attname, a.attnum, tn.nspname || '.' || t.typname
            FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_namespace tn ON tn.oid = t.typnamespace
            WHERE c.oid = to_regclass($1)
            """, target);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table.Quoted });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        uint oid = 0;
        var columns = new Dictionary<string, TargetColumn>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            oid = reader.GetFieldValue<uint>(0);
            columns[reader.GetString(1)] = new TargetColumn(reader.GetInt16(2), reader.GetString(3));
        }

        return oid == 0
            ? throw new InvalidOperationException($"Target table {table} does not exist.")
            : new TargetColumns(oid, columns);
    }

    private sealed record TargetColumn(short AttNum, string DataTypeName);

    private sealed record TargetColumns(uint Oid, Dictionary<string, TargetColumn> Columns);
}
