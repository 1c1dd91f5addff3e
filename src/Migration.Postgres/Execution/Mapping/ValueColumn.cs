using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A value the source query computed (copied, cast, mapped, expression, concatenation, split, lookup, leftovers):
/// read at <see cref="Ordinal"/> already in the target's type (or as text for a type only the target has).
/// Written with a typed writer chosen from the reader's field type on the first page, so values are not boxed.
/// </summary>
internal sealed class ValueColumn(string name, string dataTypeName, int ordinal) : SpecTargetColumn(name, dataTypeName)
{
    private TypedWriter? _writer;

    public int Ordinal { get; } = ordinal;

    public override object? Value(NpgsqlDataReader reader, SpecRow row) =>
        reader.IsDBNull(Ordinal) ? null
        : reader.GetDataTypeName(Ordinal) == "interval" ? reader.GetFieldValue<NpgsqlInterval>(Ordinal)
        : reader.GetValue(Ordinal);

    public override ValueTask WriteAsync(NpgsqlDataReader reader, SpecRow row, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        if (reader.IsDBNull(Ordinal))
        {
            return new ValueTask(importer.WriteNullAsync(cancellationToken));
        }

        _writer ??= CreateWriter(reader);
        return _writer.WriteAsync(reader, importer, cancellationToken);
    }

    private TypedWriter CreateWriter(NpgsqlDataReader reader)
    {
        var type = reader.GetDataTypeName(Ordinal) == "interval" ? typeof(NpgsqlInterval) : reader.GetFieldType(Ordinal);
        return (TypedWriter)Activator.CreateInstance(typeof(TypedWriter<>).MakeGenericType(type), Ordinal, DataTypeName)!;
    }

    private abstract class TypedWriter
    {
        public abstract ValueTask WriteAsync(NpgsqlDataReader reader, NpgsqlBinaryImporter importer, CancellationToken cancellationToken);
    }

    private sealed class TypedWriter<T>(int ordinal, string dataTypeName) : TypedWriter
    {
        public override ValueTask WriteAsync(NpgsqlDataReader reader, NpgsqlBinaryImporter importer, CancellationToken cancellationToken) =>
            new(importer.WriteAsync(reader.GetFieldValue<T>(ordinal), dataTypeName, cancellationToken));
    }
}
