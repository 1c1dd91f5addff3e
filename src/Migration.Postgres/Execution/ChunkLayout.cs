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
/// <para>Key ranges: cut at the key's histogram quantiles when the statistics have one (about equal rows per range),
/// else in equal key widths; ends are inclusive keys and a range's first checkpoint is the previous range's end (keys after
/// it). Block ranges: ends are exclusive block numbers and a range's first checkpoint is the previous range's end
/// (the first block it copies), as <see cref="CtidPager"/> reads its checkpoints. The last range is open-ended.</para>
/// </summary>
internal static class ChunkLayout
{
    /// <summary>
    /// Ranges cut per page stream: a stream whose range ends early takes the next one, so the table's streams finish
    /// close together instead of the table (and the table after it) waiting for its slowest range.
    /// </summary>
    internal const int RangesPerStream = 4;

    /// <summary>The fewest full pages a range is cut to hold (small tables are cut into fewer ranges).</summary>
    internal const int MinPagesPerRange = 2;

    /// <summary>The table's ranges as recorded, or a new cut for <paramref name="parallelism"/> streams (<see cref="Count"/>, <see cref="KeyEnds"/>).</summary>
    public static async Task<IReadOnlyList<CopyChunk>> LoadOrCreateAsync(
        NpgsqlDataSourceProvider dataSources,
        TableCopyContext context,
        int parallelism,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var split = parallelism > 1 && request.Table.SplitsIntoKeyRanges(request.Batch) && IntegerKeyPager.Supports(context)
            ? await ReadKeySpreadAsync(dataSources, context, cancellationToken)
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

        // Key ranges of about equal rows (from the key's histogram) or else equal key widths; equal block widths. The
        // last range is open-ended, and range n starts after range n-1's end, which is exactly what its checkpoint says
        // before its first page. Too few keys or blocks: one range.
        var units = split is { } spread ? (Int128)spread.Max - spread.Min + 1 : blocks;
        var ranges = Count(parallelism, units, request.Table.EstimatedRows, request.Batch.MaxBatchSize);
        var ends = split is { } keys ? KeyEnds(keys, ranges) : EqualEnds(0, blocks, ranges);
        await using (var batch = new NpgsqlBatch(target, transaction))
        {
            string? previousEnd = null;
            for (var n = 0; n < ends.Count; n++)
            {
                var end = ends[n]?.ToString(CultureInfo.InvariantCulture);
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

    /// <summary>
    /// How many ranges to cut <paramref name="units"/> keys (or blocks) into for <paramref name="parallelism"/> streams:
    /// a multiple of the streams (equal ranges then keep every stream busy to the end), up to
    /// <see cref="RangesPerStream"/> per stream, fewer when a range would hold less than <see cref="MinPagesPerRange"/>
    /// full pages of the estimated rows or less than four keys (or blocks); one when there are not four per stream.
    /// </summary>
    internal static int Count(int parallelism, Int128 units, long estimatedRows, int maxBatchSize)
    {
        if (parallelism <= 1 || units < 4 * (Int128)parallelism)
        {
            return 1;
        }

        var byRows = estimatedRows / Math.Max(1L, (long)MinPagesPerRange * maxBatchSize) / parallelism;
        var byUnits = units / (4 * (Int128)parallelism);
        var perStream = (int)Int128.Clamp(Int128.Min(byRows, byUnits), 1, RangesPerStream);
        return parallelism * perStream;
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

    /// <summary>
    /// The inclusive ends of <paramref name="ranges"/> key ranges (null: open-ended). From the key's histogram when
    /// ANALYZE left one with at least as many buckets as ranges: each range then holds about as many rows as the
    /// others, whatever gaps the keys have (deleted rows, ids taken in blocks). Otherwise equal key widths. Stale
    /// statistics only unbalance the ranges: the first range starts at the beginning and the last is open-ended.
    /// </summary>
    internal static IReadOnlyList<long?> KeyEnds(KeySpread keys, int ranges)
    {
        if (ranges <= 1 || keys.Histogram is not { } histogram || histogram.Length - 1 < ranges)
        {
            return EqualWidths();
        }

        var buckets = histogram.Length - 1;
        var ends = new List<long?>(ranges);
        for (var n = 1; n < ranges; n++)
        {
            var end = histogram[(int)((long)n * buckets / ranges)];
            if (end < keys.Min || end >= keys.Max || (ends.Count > 0 && end <= ends[^1]))
            {
                return EqualWidths(); // not usable (statistics from another time)
            }

            ends.Add(end);
        }

        ends.Add(null);
        return ends;

        List<long?> EqualWidths() => EqualEnds((Int128)keys.Min - 1, (Int128)keys.Max - keys.Min + 1, ranges);
    }

    /// <summary>
    /// The ends of <paramref name="ranges"/> equal widths of <paramref name="units"/> units that follow
    /// <paramref name="before"/>, the last one open-ended (null): inclusive keys after min - 1, exclusive blocks after 0.
    /// </summary>
    private static List<long?> EqualEnds(Int128 before, Int128 units, int ranges)
    {
        var ends = new List<long?>(ranges);
        var width = units / ranges;
        for (var n = 0; n < ranges - 1; n++)
        {
            ends.Add((long)(before + width * (n + 1)));
        }

        ends.Add(null);
        return ends;
    }

    /// <summary>The key's smallest and largest value, and its histogram bounds from the statistics (null when none).</summary>
    internal sealed record KeySpread(long Min, long Max, long[]? Histogram);

    private static async Task<KeySpread?> ReadKeySpreadAsync(NpgsqlDataSourceProvider dataSources, TableCopyContext context, CancellationToken cancellationToken)
    {
        var key = QualifiedName.QuoteIdentifier(context.KeyColumns[0]);
        await using var source = await dataSources.OpenConnectionAsync(context.Request.SourceConnectionString, cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT min({key})::bigint, max({key})::bigint,
                   (SELECT histogram_bounds::text::bigint[] FROM pg_catalog.pg_stats
                     WHERE schemaname = $1 AND tablename = $2 AND attname = $3 AND NOT inherited)
              FROM {context.Source.Quoted}
            """, source);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.Source.Schema });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.Source.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = context.KeyColumns[0] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : new KeySpread(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<long[]>(2));
    }
}
