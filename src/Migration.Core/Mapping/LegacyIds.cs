using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Migration.Core.Mapping;

/// <summary>
/// The new UUID of a remapped row: a name-based UUID, RFC 9562 version 5 (SHA-1), over the fixed
/// <see cref="Namespace"/> and the name <c>entityType + "/" + legacyId</c> (UTF-8; the legacy id as PostgreSQL
/// prints it, e.g. <c>42</c>). The same entity and legacy id give the same UUID in every process and every run, so
/// <list type="bullet">
/// <item>a child's foreign key (and a self or polymorphic reference) is computed from the parent's legacy id alone,
/// with no lookup and no in-memory id map: memory does not grow with the number of rows;</item>
/// <item>a page copied again after a crash produces exactly the ids it produced before, so resume is idempotent;</item>
/// <item>anyone can recompute an id (validation, placeholders, support) without reading migration_mappings.</item>
/// </list>
/// </summary>
public static class LegacyIds
{
    /// <summary>The namespace of every migration's ids (fixed; changing it would change every id).</summary>
    public static readonly Guid Namespace = new("6f1c9b52-3c1e-4d8a-9a57-2b0e5e6d8c41");

    private static readonly byte[] NamespaceBytes = Namespace.ToByteArray(bigEndian: true);

    /// <summary>An RFC 9562 version 5 UUID of <paramref name="name"/> (UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid NameBased(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = new byte[16 + Encoding.UTF8.GetByteCount(name)];
        namespaceId.TryWriteBytes(bytes, bigEndian: true, out _);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(16));
        return Hash(bytes);
    }

    /// <summary>The new id of the row of <paramref name="entityType"/> whose legacy id prints as <paramref name="legacyId"/>.</summary>
    public static Guid NewId(string entityType, string legacyId)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(legacyId);
        var length = 16 + Encoding.UTF8.GetMaxByteCount(entityType.Length + 1 + legacyId.Length);
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            var buffer = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            var written = Prefix(buffer, entityType);
            written += Encoding.UTF8.GetBytes(legacyId, buffer[written..]);
            return Hash(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The new id for an integer legacy id (no string is allocated).</summary>
    public static Guid NewId(string entityType, long legacyId)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        var length = 16 + Encoding.UTF8.GetMaxByteCount(entityType.Length + 1) + 20;
        var rented = length > 512 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            var buffer = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            var written = Prefix(buffer, entityType);
            legacyId.TryFormat(buffer[written..], out var digits, default, CultureInfo.InvariantCulture);
            return Hash(buffer[..(written + digits)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The new id for a legacy id read from the source as any value (integers without a string, others by their text).</summary>
    public static Guid NewId(string entityType, object legacyId) => legacyId switch
    {
        int i => NewId(entityType, i),
        long l => NewId(entityType, l),
        short s => NewId(entityType, s),
        string text => NewId(entityType, text),
        Guid guid => NewId(entityType, guid.ToString()),
        IFormattable formattable => NewId(entityType, formattable.ToString(null, CultureInfo.InvariantCulture)),
        _ => NewId(entityType, legacyId.ToString() ?? ""),
    };

    /// <summary>A legacy id value as text the way <see cref="NewId(string, object)"/> names it (and migration_mappings keeps it).</summary>
    public static string Text(object legacyId) => legacyId switch
    {
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => legacyId.ToString() ?? "",
    };

    private static int Prefix(Span<byte> buffer, string entityType)
    {
        NamespaceBytes.CopyTo(buffer);
        var written = 16 + Encoding.UTF8.GetBytes(entityType, buffer[16..]);
        buffer[written++] = (byte)'/';
        return written;
    }

    private static Guid Hash(ReadOnlySpan<byte> name)
    {
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 version 5 specifies; it names rows, it protects nothing.
        SHA1.HashData(name, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }
}
