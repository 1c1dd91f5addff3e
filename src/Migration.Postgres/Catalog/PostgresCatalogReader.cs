using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Catalog;

/// <summary>
/// Schema Analysis for PostgreSQL: reads pg_catalog in three round trips whatever the number of tables (relations;
/// then columns, constraints, indexes, sequences, enums, domains and extensions in one batch; then the counts that
/// are needed). System schemas (<c>pg_*</c>, information_schema) and the control schema <c>migration_control</c> are
/// never read, nor objects that belong to an extension.
/// </summary>
/// <remarks>
/// <para>Names in <see cref="ColumnInfo.DataType"/>, defaults and every <c>pg_get_*def</c> text are schema-qualified
/// (the session's search_path is pg_catalog only), so DDL built from them is unambiguous on another server.</para>
/// <para>Partitioning: a partitioned table and each of its partitions are listed. A partition carries
/// <see cref="TableInfo.PartitionParent"/> and <see cref="TableInfo.PartitionBound"/>, its columns, and its primary and
/// unique keys (inherited ones included, so it can be paged on its own); its foreign keys, indexes and checks are only
/// those declared on the partition itself, since what it inherits belongs to the parent. A partitioned table's row
/// estimate and size are the sums over its partitions. We recommend planning the partitioned parent and not its
/// partitions: <c>COPY (SELECT ...) TO</c> reads a parent with all its partitions, <c>COPY parent FROM</c> routes
/// every row into the right partition of the target (PostgreSQL 12+), and the parent's key is a valid paging key.</para>
/// <para>Row counts: the estimate is pg_class.reltuples scaled to the current size. A table never analyzed
/// (reltuples = -1) counts as unknown: up to <see cref="ExactCountLimitBytes"/> it is counted exactly, above that
/// its rows are estimated from a 1% block sample. With exactCounts every table is counted.</para>
/// <para>Exclusion constraints are listed with the checks (<see cref="TableInfo.Checks"/>): both are re-created with
/// <c>ALTER TABLE ... ADD CONSTRAINT name definition</c> after the load.</para>
/// </remarks>
public sealed partial class PostgresCatalogReader(ILogger<PostgresCatalogReader> logger) : ICatalogReader
{
    /// <summary>Never-analyzed tables up to this heap size are counted exactly; larger ones are sampled.</summary>
    public const long ExactCountLimitBytes = 64L * 1024 * 1024;

    public async Task<DatabaseCatalog> ReadAsync(string connectionString, CatalogFilter filter, bool exactCounts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);

        var (serverVersion, database, relations) = await ReadRelationsAsync(connection, cancellationToken);
        var selected = SelectRelations(relations, filter);
        var oids = selected.Select(r => r.Oid).ToArray();

        using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
        foreach (var sql in new[]
                 {
                     CatalogQueries.Columns, CatalogQueries.Constraints, CatalogQueries.Indexes, CatalogQueries.Sequences,
                     CatalogQueries.Enums, CatalogQueries.Domains, CatalogQueries.Extensions,
                 })
        {
            var command = new NpgsqlBatchCommand(sql);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = oids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
            }

            batch.BatchCommands.Add(command);
        }

        CatalogDetails details;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            details = await CatalogDetails.ReadAsync(reader, oids.ToHashSet(), filter, cancellationToken);
        }

        var counts = await CountAsync(connection, relations, selected, exactCounts, cancellationToken);
        var tables = selected.Select(r => BuildTable(r, relations, details, counts)).ToList();

        var catalog = new DatabaseCatalog(database, serverVersion, tables, details.Sequences, details.Enums, details.Domains,
            details.Extensions.Select(e => e.Name).ToList())
        {
            ExtensionDetails = details.Extensions,
        };
        LogCatalogRead(logger, database, tables.Count, details.Sequences.Count, stopwatch.ElapsedMilliseconds);
        return catalog;
    }

    private static async Task<(string Version, string Database, IReadOnlyDictionary<uint, RelationRow> Relations)> ReadRelationsAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CatalogQueries.ServerVersion));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CatalogQueries.Relations));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var version = reader.GetString(0);
        var database = reader.GetString(1);
        await reader.NextResultAsync(cancellationToken);
        var relations = new Dictionary<uint, RelationRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new RelationRow(
                Oid: reader.GetFieldValue<uint>(0),
                Name: new QualifiedName(reader.GetString(1), reader.GetString(2)),
                IsPartitioned: reader.GetBoolean(3),
                RelTuples: reader.GetDouble(4),
                RelPages: reader.GetInt32(5),
                SizeBytes: reader.GetInt64(6),
                HeapBytes: reader.GetInt64(7),
                BlockSize: reader.GetInt64(8),
                ParentOid: reader.IsDBNull(9) ? null : reader.GetFieldValue<uint>(9),
                PartitionBound: reader.IsDBNull(10) ? null : reader.GetString(10),
                PartitionKey: reader.IsDBNull(11) ? null : reader.GetString(11));
            relations.Add(row.Oid, row);
        }

        return (version, database, relations);
    }

    /// <summary>Tables the filter includes, and every partition of an included partitioned table.</summary>
    private static List<RelationRow> SelectRelations(IReadOnlyDictionary<uint, RelationRow> relations, CatalogFilter filter)
    {
        var decided = new Dictionary<uint, bool>();
        bool Included(RelationRow row)
        {
            if (decided.TryGetValue(row.Oid, out var known))
            {
                return known;
            }

            var included = filter.IncludesTable(row.Name)
                || (row.ParentOid is { } parent && relations.TryGetValue(parent, out var parentRow) && Included(parentRow));
            decided[row.Oid] = included;
            return included;
        }

        return relations.Values.Where(Included).OrderBy(r => r.Name).ToList();
    }

    /// <summary>Exact counts of leaf tables (asked for, or never analyzed and small) and samples of large unknown ones.</summary>
    private static async Task<IReadOnlyDictionary<uint, (long Rows, bool Exact)>> CountAsync(
        NpgsqlConnection connection, IReadOnlyDictionary<uint, RelationRow> relations, IReadOnlyList<RelationRow> selected,
        bool exactCounts, CancellationToken cancellationToken)
    {
        var result = new Dictionary<uint, (long Rows, bool Exact)>();
        var leaves = new HashSet<uint>();
        foreach (var row in selected)
        {
            CollectLeaves(row, relations, leaves);
        }

        var work = new List<(uint Oid, bool Exact, string Sql)>();
        foreach (var oid in leaves.Order())
        {
            var row = relations[oid];
            var estimate = row.StatisticsEstimate;
            if (exactCounts || (estimate is null && row.HeapBytes <= ExactCountLimitBytes))
            {
                work.Add((oid, true, $"SELECT count(*) FROM ONLY {row.Name.Quoted}"));
            }
            else if (estimate is null)
            {
                work.Add((oid, false, $"SELECT count(*) * 100 FROM ONLY {row.Name.Quoted} TABLESAMPLE SYSTEM (1)"));
            }
            else
            {
                result[oid] = (estimate.Value, false);
            }
        }

        if (work.Count > 0)
        {
            using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            foreach (var item in work)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(item.Sql));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            foreach (var item in work)
            {
                await reader.ReadAsync(cancellationToken);
                result[item.Oid] = (reader.GetInt64(0), item.Exact);
                await reader.NextResultAsync(cancellationToken);
            }
        }

        return result;
    }

    private static void CollectLeaves(RelationRow row, IReadOnlyDictionary<uint, RelationRow> relations, HashSet<uint> leaves)
    {
        if (!row.IsPartitioned)
        {
            leaves.Add(row.Oid);
            return;
        }

        foreach (var child in relations.Values.Where(r => r.ParentOid == row.Oid))
        {
            CollectLeaves(child, relations, leaves);
        }
    }

    private static TableInfo BuildTable(
        RelationRow row, IReadOnlyDictionary<uint, RelationRow> relations, CatalogDetails details,
        IReadOnlyDictionary<uint, (long Rows, bool Exact)> counts)
    {
        var leaves = new HashSet<uint>();
        CollectLeaves(row, relations, leaves);
        var rows = leaves.Select(l => counts.TryGetValue(l, out var c) ? c : (0, true)).ToList();
        var estimated = rows.Sum(r => r.Item1);
        long? exact = rows.All(r => r.Item2) ? estimated : null;
        var size = leaves.Sum(l => relations[l].SizeBytes);
        var parent = row.ParentOid is { } p && relations.TryGetValue(p, out var parentRow) ? parentRow.Name : null;
        var isPartition = parent is not null;

        var constraints = details.ConstraintsOf(row.Oid);
        return new TableInfo(
            Name: row.Name,
            Columns: details.ColumnsOf(row.Oid),
            PrimaryKey: constraints.Where(c => c.Type == 'p').Select(c => c.ToKey()).FirstOrDefault(),
            UniqueKeys: constraints.Where(c => c.Type == 'u').Select(c => c.ToKey()).ToList(),
            ForeignKeys: constraints.Where(c => c.Type == 'f' && !c.Inherited).Select(c => c.ToForeignKey(row.Name)).ToList(),
            Indexes: details.IndexesOf(row.Oid),
            Checks: constraints
                .Where(c => (c.Type is 'c' or 'x') && c.IsLocal && !c.Inherited)
                .Select(c => new CheckConstraintInfo(c.Name, c.Definition))
                .ToList(),
            EstimatedRows: estimated,
            ExactRows: exact,
            SizeBytes: size,
            IsPartitioned: row.IsPartitioned,
            PartitionParent: parent,
            PartitionKey: row.PartitionKey,
            PartitionBound: isPartition ? row.PartitionBound : null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read the catalog of {Database}: {Tables} tables, {Sequences} sequences in {ElapsedMs} ms")]
    private static partial void LogCatalogRead(ILogger logger, string database, int tables, int sequences, long elapsedMs);
}
