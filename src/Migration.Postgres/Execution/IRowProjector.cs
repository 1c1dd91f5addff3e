using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// The seam where a target row is produced from a source row in the mapped write path: identity copies each source
/// value once; transforms (type conversions, id remapping, columns folded into JSONB) plug in here.
/// </summary>
internal interface IRowProjector
{
    /// <summary>Fills <paramref name="target"/> (target column order) from the reader's current row.</summary>
    void Project(NpgsqlDataReader source, object?[] target);
}
