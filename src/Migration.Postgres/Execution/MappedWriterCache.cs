using System.Collections.Concurrent;
using LinqToDB.Mapping;
using Migration.Core.Catalog;

namespace Migration.Postgres.Execution;

/// <summary>One <see cref="IMappedBulkWriter"/> per target table shape, built on first use and kept for the process.</summary>
internal sealed class MappedWriterCache
{
    private readonly MappedRowTypeFactory _rowTypes = new();
    private readonly MappingSchema _mappingSchema = new("Migration.Postgres.Mapped");
    private readonly ConcurrentDictionary<string, IMappedBulkWriter> _writers = new(StringComparer.Ordinal);

    public IMappedBulkWriter Get(QualifiedName target, IReadOnlyList<MappedColumn> columns)
    {
        var key = $"{target}\u001d{string.Join('\u001f', columns.Select(c => $"{c.Name}\u001e{c.DataTypeName}"))}";
        return _writers.GetOrAdd(key, _ =>
        {
            var rowType = _rowTypes.GetRowType(columns);
            var writerType = typeof(MappedBulkWriter<>).MakeGenericType(rowType);
            return (IMappedBulkWriter)Activator.CreateInstance(writerType, target.Schema, target.Name, columns.Count, _mappingSchema)!;
        });
    }
}
