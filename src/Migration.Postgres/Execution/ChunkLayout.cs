using System.Globalization;
using Migration.Core.Catalog;
using Migration.Postgres.Control;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// How a table is cut into ranges for concurrent copying: key ranges of a table paged on one integer key, heap block
/// ranges of a table without a usable key (ctid). The cut is made once, before the first page, under an advisory
/// lock, and kept in the control schema (one checkpoint row per range, all created in one transaction), so every later
/// run of the table (a resume, a second worker after a failover) continues exactly the same ranges whatever
/// parallelism it is given. A table copied in one piece is recorded the same way, as one open range.
/// <para>Key ranges: ends are inclusive keys and a range's first checkpoint is the previous range's end (keys after
/// it). Block ranges: ends are exclusive block numbers and a range's first checkpoint is the previous range's end
/// (the first block it copies), as <see cref="CtidPager"/> reads its checkpoints. The last range is open-ended.</para>
/// </summary>
internal static class ChunkLayout
{
    /// <summary>The table's ranges as recorded, or a new cut into <paramref name="parallelism"/> equal key ranges.</summary>
    public static async Task<IReadOnlyList<CopyChunk>> LoadOrCreateAsync(
        NpgsqlDataSourceProvider dataSources,
        TableCopyContext context,
        int parallelism,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var split = parallelism > 1 && request.Table.SplitsIntoKeyRanges(request.Batch) && IntegerKeyPager.Supports(context)
            ? await ReadKeyBoundsAsync(dataSources, context, cancellationToken)
            : null;
        // Blocks [0, BlockCount) as read when the table's copy context was made: the same for every worker that cuts.
        var blocks = parallelism > 1 && !context.IsKeyset && request.Table.SplitsIntoBlockRanges(request.Batch) && context.BlockCount > 0
            ? context.BlockCount
            : 0;
        await using var target = await dataSources.OpenConnectionAsync(request.TargetConnectionString, cancellationToken);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand(ControlSchemaSql.LockMigrationObject, target, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.TableName + "#layout" });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var recorded = await ReadAsync(target, transaction, context, cancellationToken);
        if (recorded.Count > 0)
        {
            return recorded;
        }

        // Equal key (or block) widths, the last range open-ended. Range n starts after range n-1's end, which is exactly
        // what its checkpoint says before its first page. Too few keys or blocks: one range.
        var ranges = split is var (min, max) && (Int128)max - min + 1 >= 4L * parallelism ? parallelism
            : blocks >= 4L * parallelism ? parallelism
            : 1;
        var width = split is var (low, high) ? ((Int128)high - low + 1) / ranges : (Int128)blocks / ranges;
        await using (var batch = new NpgsqlBatch(target, transaction))
        {
            string? previousEnd = null;
            for (var n = 0; n < ranges; n++)
            {
                var end = n == ranges - 1 ? null
                    : split is not null ? ((long)((Int128)split.Value.Min - 1 + width * (n + 1))).ToString(CultureInfo.InvariantCulture)
                    : ((long)(width * (n + 1))).ToString(CultureInfo.InvariantCulture);
                var insert = new NpgsqlBatchCommand(ControlSchemaSql.InsertChunk(request.ControlSchema));
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.MigrationId });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.TableName });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = n });
                insert.Parameters.Add(TextArray(previousEnd));
                insert.Parameters.Add(TextArray(end));
                batch.BatchCommands.Add(insert);
                previousEnd = end;
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var chunks = await ReadAsync(target, transaction, context, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return chunks;
    }

    private static NpgsqlParameter<string?[]?> TextArray(string? value) =>
        new() { TypedValue = value is null ? null : [value], NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text };

    private static async Task<List<CopyChunk>> ReadAsync(NpgsqlConnection target, NpgsqlTransaction transaction, TableCopyContext context, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ControlSchemaSql.SelectTableChunks(context.Request.ControlSchema), target, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.Request.MigrationId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.TableName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var chunks = new List<CopyChunk>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var end = reader.IsDBNull(2) ? null : reader.GetFieldValue<string?[]>(2);
            chunks.Add(new CopyChunk(reader.GetInt32(0), end is { Length: > 0 } ? end[0] : null, reader.GetInt64(3), reader.GetInt32(4), reader.GetBoolean(5)));
        }

        return chunks;
    }

    private static async Task<(long Min, long Max)?> ReadKeyBoundsAsync(NpgsqlDataSourceProvider dataSources, TableCopyContext context, CancellationToken cancellationToken)
    {
        var key = QualifiedName.QuoteIdentifier(context.KeyColumns[0]);
        await using var source = await dataSources.OpenConnectionAsync(context.Request.SourceConnectionString, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {context.Source.Quoted}", source);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : (reader.GetInt64(0), reader.GetInt64(1));
    }
}
