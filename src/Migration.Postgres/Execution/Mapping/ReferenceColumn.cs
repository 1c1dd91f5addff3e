using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>A reference rewritten to its parent's new id (or kept, or NULL), as decided for the row.</summary>
internal sealed class ReferenceColumn(string name, string dataTypeName, int reference) : SpecTargetColumn(name, dataTypeName)
{
    public override object? Value(NpgsqlDataReader reader, SpecRow row) => row.References[reference];

    public override async ValueTask WriteAsync(NpgsqlDataReader reader, SpecRow row, NpgsqlBinaryImporter importer, CancellationToken cancellationToken)
    {
        switch (row.References[reference])
        {
            case null:
                await importer.WriteNullAsync(cancellationToken);
                break;
            case Guid id:
                await importer.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                break;
            case var value:
                await importer.WriteAsync(value, DataTypeName, cancellationToken);
                break;
        }
    }
}
