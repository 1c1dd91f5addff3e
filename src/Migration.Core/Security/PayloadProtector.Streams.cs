using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Migration.Core.Security;

/// <summary>
/// Streams (backup archives): AES-256-GCM in chunks, so a file of any size is encrypted and decrypted with one
/// chunk in memory. Layout: the magic <c>MGENC1</c>, the key id (one length byte, ASCII), then chunks of
/// <c>length (int32, big-endian) ‖ last (0/1) ‖ nonce ‖ tag ‖ ciphertext</c>. Each chunk's associated data is the
/// context, its index and its last flag, so chunks cannot be reordered, dropped or cut away unnoticed: a stream that
/// ends before the chunk flagged last fails to decrypt. Key rotation as for payloads: the key id travels in the header.
/// </summary>
public sealed partial class PayloadProtector
{
    private const int StreamChunkBytes = 1024 * 1024;

    // length (int32) ‖ last (1 byte) ‖ nonce ‖ tag
    private const int ChunkHeaderBytes = 5 + NonceBytes + TagBytes;
    private static readonly byte[] StreamMagic = "MGENC1"u8.ToArray();

    /// <summary>Whether a file starts like a stream written by <see cref="ProtectStreamAsync"/>.</summary>
    public static bool IsProtectedFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[6];
        return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(StreamMagic);
    }

    /// <summary>Encrypts <paramref name="input"/> to its end into <paramref name="output"/> with the active key.</summary>
    public async Task ProtectStreamAsync(Stream input, Stream output, string context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        var keyId = Encoding.ASCII.GetBytes(_activeKeyId);
        var header = new byte[StreamMagic.Length + 1 + keyId.Length];
        StreamMagic.CopyTo(header, 0);
        header[StreamMagic.Length] = checked((byte)keyId.Length);
        keyId.CopyTo(header, StreamMagic.Length + 1);
        await output.WriteAsync(header, cancellationToken);

        var contextBytes = Encoding.UTF8.GetBytes(context);
        var plain = ArrayPool<byte>.Shared.Rent(StreamChunkBytes);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(ChunkHeaderBytes + StreamChunkBytes);
        try
        {
            using var aes = new AesGcm(_keys[_activeKeyId], TagBytes);
            for (long index = 0; ; index++)
            {
                // A short read means the end: that chunk is the last (after a full one at the end, an empty last one).
                var length = await input.ReadAtLeastAsync(plain.AsMemory(0, StreamChunkBytes), StreamChunkBytes, throwOnEndOfStream: false, cancellationToken);
                var last = length < StreamChunkBytes;
                BinaryPrimitives.WriteInt32BigEndian(sealedChunk, length);
                sealedChunk[4] = last ? (byte)1 : (byte)0;
                var nonce = sealedChunk.AsSpan(5, NonceBytes);
                RandomNumberGenerator.Fill(nonce);
                aes.Encrypt(nonce, plain.AsSpan(0, length), sealedChunk.AsSpan(ChunkHeaderBytes, length),
                    sealedChunk.AsSpan(5 + NonceBytes, TagBytes), ChunkData(contextBytes, index, last));
                await output.WriteAsync(sealedChunk.AsMemory(0, ChunkHeaderBytes + length), cancellationToken);
                if (last)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(sealedChunk);
        }
    }

    /// <summary>
    /// Decrypts a stream written by <see cref="ProtectStreamAsync"/> with the same context into
    /// <paramref name="output"/>. Throws CryptographicException for an unknown key, another context, a tampered,
    /// reordered or truncated stream; what was written to <paramref name="output"/> before is then not to be trusted.
    /// </summary>
    public async Task UnprotectStreamAsync(Stream input, Stream output, string context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(context);
        var head = new byte[StreamMagic.Length + 1];
        if (await input.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) != head.Length ||
            !head.AsSpan(0, StreamMagic.Length).SequenceEqual(StreamMagic))
        {
            throw new CryptographicException("the stream is not an encrypted archive");
        }

        var keyIdBytes = new byte[head[^1]];
        await ReadExactlyAsync(input, keyIdBytes, "key id", cancellationToken);
        var keyId = Encoding.ASCII.GetString(keyIdBytes);
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"the stream was encrypted with key '{keyId}', which is not configured (keep retired keys until their data is re-encrypted)");
        }

        var contextBytes = Encoding.UTF8.GetBytes(context);
        var sealedChunk = ArrayPool<byte>.Shared.Rent(ChunkHeaderBytes + StreamChunkBytes);
        var plain = ArrayPool<byte>.Shared.Rent(StreamChunkBytes);
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            for (long index = 0; ; index++)
            {
                await ReadExactlyAsync(input, sealedChunk.AsMemory(0, ChunkHeaderBytes), "chunk header", cancellationToken);
                var length = BinaryPrimitives.ReadInt32BigEndian(sealedChunk);
                if (length is < 0 or > StreamChunkBytes || sealedChunk[4] > 1)
                {
                    throw new CryptographicException("the encrypted stream is malformed (chunk header)");
                }

                // The last-chunk flag is authenticated with the chunk: a stream cut at a chunk boundary ends without a
                // chunk that says it is the last, and fails below instead of passing as complete.
                var last = sealedChunk[4] == 1;
                await ReadExactlyAsync(input, sealedChunk.AsMemory(ChunkHeaderBytes, length), "chunk", cancellationToken);
                aes.Decrypt(sealedChunk.AsSpan(5, NonceBytes), sealedChunk.AsSpan(ChunkHeaderBytes, length),
                    sealedChunk.AsSpan(5 + NonceBytes, TagBytes), plain.AsSpan(0, length), ChunkData(contextBytes, index, last));
                await output.WriteAsync(plain.AsMemory(0, length), cancellationToken);
                if (last)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sealedChunk);
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private static byte[] ChunkData(byte[] context, long index, bool last)
    {
        var data = new byte[context.Length + 9];
        context.CopyTo(data, 0);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(context.Length), index);
        data[^1] = last ? (byte)1 : (byte)0;
        return data;
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        if (await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken) != buffer.Length)
        {
            throw new CryptographicException($"the encrypted stream is truncated (in a {what})");
        }
    }
}
