using System.Runtime.CompilerServices;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.Mapping;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// linq2db <c>BulkCopy</c> (<see cref="BulkCopyType.ProviderSpecific"/> = binary COPY) of one emitted row type, on
/// the caller's target transaction. One row instance is reused for the whole page and <c>MaxBatchSize</c> is
/// unbounded, so a page is a single COPY.
/// </summary>
internal sealed class MappedBulkWriter<TRow> : IMappedBulkWriter
    where TRow : MappedRow, new()
{
    private readonly int _columnCount;
    private readonly BulkCopyOptions _options;
    private readonly MappingSchema _mappingSchema;

    public MappedBulkWriter(string targetSchema, string targetTable, int columnCount, MappingSchema mappingSchema)
    {
        _columnCount = columnCount;
        _mappingSchema = mappingSchema;
        _options = new BulkCopyOptions
        {
            BulkCopyType = BulkCopyType.ProviderSpecific,
            MaxBatchSize = int.MaxValue,
            KeepIdentity = true,
            SchemaName = targetSchema,
            TableName = targetTable,
        };
    }

    public async Task<long> WriteAsync(NpgsqlTransaction targetTransaction, NpgsqlDataReader reader, IRowProjector projector, CancellationToken cancellationToken)
    {
        var provider = PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15, null, null, null);
        await using var db = new DataConnection(new DataOptions()
            .UseTransaction(provider, targetTransaction)
            .UseMappingSchema(_mappingSchema));
        var rows = new RowStream(reader, projector, _columnCount);
        await db.GetTable<TRow>().BulkCopyAsync(_options, rows.ReadAsync(cancellationToken), cancellationToken);
        return rows.Count;
    }

    private sealed class RowStream(NpgsqlDataReader reader, IRowProjector projector, int columnCount)
    {
        public long Count { get; private set; }

        public async IAsyncEnumerable<TRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var row = new TRow { Values = new object?[columnCount] };
            while (await reader.ReadAsync(cancellationToken))
            {
                projector.Project(reader, row.Values);
                Count++;
                yield return row;
            }
        }
    }
}
