using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>The row's new UUID.</summary>
internal sealed class NewIdColumn(string name) : SpecTargetColumn(name, "pg_catalog.uuid")
{
    public override object? Value(NpgsqlDataReader reader, SpecRow row) => row.NewId;

    public override ValueTask WriteAsync(NpgsqlDataReader reader, SpecRow row, NpgsqlBinaryImporter importer, CancellationToken cancellationToken) =>
        new(importer.WriteAsync(row.NewId, NpgsqlDbType.Uuid, cancellationToken));
}
