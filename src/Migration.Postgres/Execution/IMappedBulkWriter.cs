using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>Writes the rows of a source reader into the target with linq2db BulkCopy (binary COPY).</summary>
internal interface IMappedBulkWriter
{
    /// <summary>Streams every row of <paramref name="reader"/> through <paramref name="projector"/>; returns the rows read.</summary>
    Task<long> WriteAsync(NpgsqlTransaction targetTransaction, NpgsqlDataReader reader, IRowProjector projector, CancellationToken cancellationToken);
}
