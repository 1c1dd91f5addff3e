using System.Buffers;
using Npgsql;

namespace Migration.Postgres.Execution;

/// <summary>
/// The pass-through write path: <c>COPY (query) TO STDOUT</c> on the source streamed straight into
/// <c>COPY target FROM STDIN</c> on the target through Npgsql's raw copy streams and one pooled buffer; the bytes
/// are never decoded and never more than a buffer is held. Rows are counted as they flow by.
/// </summary>
internal static class PassThroughPipe
{
    private const int BufferSize = 128 * 1024;

    // Keep gathering while at least this much room is left in the buffer.
    private const int MinimumRead = 16 * 1024;

    public static async Task<long> CopyAsync(
        NpgsqlConnection source,
        NpgsqlConnection target,
        string copyOut,
        string copyIn,
        bool binary,
        CancellationToken cancellationToken)
    {
        if (!binary)
        {
            return await CopyTextAsync(source, target, copyOut, copyIn, cancellationToken);
        }

        var counter = new CopyRowCounter(binary);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var reader = await source.BeginRawBinaryCopyAsync(copyOut, cancellationToken);
            reader.ReadTimeout = Timeout.Infinite;
            var writer = await target.BeginRawBinaryCopyAsync(copyIn, cancellationToken);
            try
            {
                writer.WriteTimeout = Timeout.Infinite;
                // The source sends one CopyData message per row and a raw read returns at most one message, so
                // reads are gathered until the buffer is nearly full and written in one go: one write per buffer,
                // not one per row (per-row writes cost ~2 us of client CPU each).
                while (true)
                {
                    var filled = 0;
                    int read;
                    do
                    {
                        read = await reader.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), cancellationToken);
                        filled += read;
                    }
                    while (read > 0 && BufferSize - filled >= MinimumRead);

                    if (filled == 0)
                    {
                        break;
                    }

                    counter.Advance(buffer.AsSpan(0, filled));
                    await writer.WriteAsync(buffer.AsMemory(0, filled), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }
                }
            }
            catch
            {
                await CancelQuietlyAsync(writer);
                throw;
            }

            // Completes the COPY: the target reports any error in the data here.
            await writer.DisposeAsync();
            if (binary && !counter.Completed)
            {
                throw new InvalidOperationException("The source COPY stream ended without its trailer.");
            }

            return counter.Rows;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Text format (used when binary arrays or composites would carry source-only type OIDs): the same pipe over
    // Npgsql's text copy reader and writer; a row ends at each newline (newlines inside values are escaped).
    private static async Task<long> CopyTextAsync(
        NpgsqlConnection source,
        NpgsqlConnection target,
        string copyOut,
        string copyIn,
        CancellationToken cancellationToken)
    {
        const int chars = BufferSize / 2;
        var buffer = ArrayPool<char>.Shared.Rent(chars);
        long rows = 0;
        try
        {
            using var reader = await source.BeginTextExportAsync(copyOut, cancellationToken);
            var writer = await target.BeginTextImportAsync(copyIn, cancellationToken);
            try
            {
                while (true)
                {
                    var filled = 0;
                    int read;
                    do
                    {
                        read = await reader.ReadAsync(buffer.AsMemory(filled, chars - filled), cancellationToken);
                        filled += read;
                    }
                    while (read > 0 && chars - filled >= MinimumRead);

                    if (filled == 0)
                    {
                        break;
                    }

                    rows += buffer.AsSpan(0, filled).Count('\n');
                    await writer.WriteAsync(buffer.AsMemory(0, filled), cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }
                }
            }
            catch
            {
                if (writer is NpgsqlCopyTextWriter copyWriter)
                {
                    try
                    {
                        copyWriter.Cancel();
                    }
                    catch (NpgsqlException)
                    {
                        // Abandoned because of an earlier error; the transaction rolls back regardless.
                    }
                }

                writer.Dispose();
                throw;
            }

            // Completes the COPY: the target reports any error in the data here.
            await writer.DisposeAsync();
            return rows;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // The import is abandoned because of an earlier error, which the caller rethrows and the retry policy judges; the
    // transaction rolls back regardless. When that error broke a connection (a backend terminated mid-page), Npgsql's
    // cancel and dispose can fail in their own clean-up (a NullReferenceException from NpgsqlRawCopyStream.Cleanup
    // was seen): nothing here may replace the original error.
    private static async Task CancelQuietlyAsync(NpgsqlRawCopyStream writer)
    {
        try
        {
            await writer.CancelAsync();
        }
        catch (Exception ex) when (IsCleanupFailure(ex))
        {
        }

        try
        {
            await writer.DisposeAsync();
        }
        catch (Exception ex) when (IsCleanupFailure(ex))
        {
        }
    }

    private static bool IsCleanupFailure(Exception exception) =>
        exception is NpgsqlException or ObjectDisposedException or InvalidOperationException or NullReferenceException or IOException;
}
