using System.Text;
using Migration.Core.Security;
using Orleans.Storage;

namespace Migration.Agents.Hosting;

/// <summary>
/// Encrypts grain state (a migration's connection strings among it) before it reaches Redis or the embedded store's
/// append-only file, with the server's <see cref="PayloadProtector"/> (AES-256-GCM, key rotation by key id). State
/// written before a key was configured is still read (it is re-written encrypted at its next save).
/// </summary>
public sealed class ProtectedGrainStorageSerializer(IGrainStorageSerializer inner, PayloadProtector protector) : IGrainStorageSerializer
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes(PayloadProtector.Prefix);

    public BinaryData Serialize<T>(T? input)
    {
        var plain = inner.Serialize(input);
        return BinaryData.FromString(protector.Protect(Convert.ToBase64String(plain.ToMemory().Span), Context<T>()));
    }

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.ToMemory().Span.StartsWith(Marker))
        {
            return inner.Deserialize<T>(input);
        }

        var plain = protector.Unprotect(input.ToString(), Context<T>());
        return inner.Deserialize<T>(BinaryData.FromBytes(Convert.FromBase64String(plain)));
    }

    // Bound to the state type: a state blob copied under another grain type does not decrypt.
    private static string Context<T>() => "grain-state:" + typeof(T).FullName;
}
