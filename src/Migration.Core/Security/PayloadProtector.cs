using System.Security.Cryptography;
using System.Text;

namespace Migration.Core.Security;

/// <summary>
/// Encrypts data at rest (quarantined row payloads, data-bearing logs) with AES-256-GCM. Output:
/// <c>enc:v1:&lt;key id&gt;:&lt;base64(nonce ‖ tag ‖ ciphertext)&gt;</c>, bound to a context string (e.g. migration and
/// table) as associated data, so a payload copied to another row does not decrypt. Rotation: add a new key, make it
/// active; old keys stay configured to read what they wrote until it is re-encrypted or purged.
/// </summary>
public sealed partial class PayloadProtector
{
    public const string Prefix = "enc:v1:";
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly Dictionary<string, byte[]> _keys;
    private readonly string _activeKeyId;

    /// <param name="keys">Key id → 32-byte key. Ids are letters, digits, '-' and '_'.</param>
    /// <param name="activeKeyId">The key new payloads are encrypted with.</param>
    public PayloadProtector(IReadOnlyDictionary<string, byte[]> keys, string activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(activeKeyId);
        foreach (var (id, key) in keys)
        {
            if (string.IsNullOrEmpty(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"key id '{id}' must be letters, digits, '-' or '_'", nameof(keys));
            }

            if (key.Length != KeyBytes)
            {
                throw new ArgumentException($"key '{id}' has {key.Length} bytes; AES-256-GCM needs {KeyBytes}", nameof(keys));
            }
        }

        if (!keys.ContainsKey(activeKeyId))
        {
            throw new ArgumentException($"the active key '{activeKeyId}' is not among the configured keys", nameof(activeKeyId));
        }

        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        _activeKeyId = activeKeyId;
    }

    public string ActiveKeyId => _activeKeyId;

    /// <summary>Parses keys given as base64 strings (configuration).</summary>
    public static PayloadProtector FromBase64(IReadOnlyDictionary<string, string> keys, string activeKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var parsed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, text) in keys)
        {
            try
            {
                parsed[id] = Convert.FromBase64String(text.Trim());
            }
            catch (FormatException)
            {
                throw new ArgumentException($"key '{id}' is not base64 (make one with `openssl rand -base64 32`)", nameof(keys));
            }
        }

        return new PayloadProtector(parsed, activeKeyId);
    }

    public static bool IsProtected(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>For stores that encrypt when a key is configured: protected with one, the text as it is without.</summary>
    public static string ProtectIfConfigured(PayloadProtector? protector, string plaintext, string context) =>
        protector is null ? plaintext : protector.Protect(plaintext, context);

    /// <summary>
    /// Reads what <see cref="ProtectIfConfigured"/> wrote: plain text as it is (written before a key was configured),
    /// protected text decrypted; InvalidOperationException when it is protected and no key is configured.
    /// </summary>
    public static string UnprotectIfProtected(PayloadProtector? protector, string value, string context)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsProtected(value))
        {
            return value;
        }

        return protector is null
            ? throw new InvalidOperationException($"A value was stored encrypted with key '{KeyIdOf(value)}', but no encryption key is configured (Security:Encryption).")
            : protector.Unprotect(value, context);
    }

    /// <summary>The key id a protected value was written with (to find values still under an old key).</summary>
    public static string KeyIdOf(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        return Split(protectedValue).KeyId;
    }

    public string Protect(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(context);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceBytes + TagBytes + data.Length];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[_activeKeyId], TagBytes);
        aes.Encrypt(nonce, data, output.AsSpan(NonceBytes + TagBytes), output.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(context));
        return $"{Prefix}{_activeKeyId}:{Convert.ToBase64String(output)}";
    }

    /// <summary>Throws CryptographicException for an unknown key, a different context or tampered data.</summary>
    public string Unprotect(string protectedValue, string context)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        ArgumentNullException.ThrowIfNull(context);
        var (keyId, payload) = Split(protectedValue);
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"the payload was encrypted with key '{keyId}', which is not configured (keep retired keys until their data is re-encrypted)");
        }

        byte[] input;
        try
        {
            input = Convert.FromBase64String(payload);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("the protected payload is malformed", ex);
        }

        if (input.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("the protected payload is truncated");
        }

        var plaintext = new byte[input.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(input.AsSpan(0, NonceBytes), input.AsSpan(NonceBytes + TagBytes), input.AsSpan(NonceBytes, TagBytes), plaintext,
            Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>Decrypts with whatever key wrote it and encrypts with the active key (rotation).</summary>
    public string Rewrap(string protectedValue, string context) => Protect(Unprotect(protectedValue, context), context);

    private static (string KeyId, string Payload) Split(string value)
    {
        if (!IsProtected(value))
        {
            throw new CryptographicException("the value is not a protected payload");
        }

        var rest = value[Prefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? throw new CryptographicException("the protected payload has no key id") : (rest[..colon], rest[(colon + 1)..]);
    }
}
