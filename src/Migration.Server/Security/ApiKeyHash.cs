using System.Security.Cryptography;
using System.Text;

namespace Migration.Server.Security;

/// <summary>The configured form of an API key ("sha256:" + hex) and new random keys.</summary>
public static class ApiKeyHash
{
    public const string Prefix = "sha256:";

    /// <summary>A new key: "mig_" + 32 random bytes, base64url.</summary>
    public static string NewKey() => "mig_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Compute(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>True for "sha256:" followed by 64 hex digits (either case).</summary>
    public static bool IsWellFormed(string hash) =>
        hash.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
        && hash.Length == Prefix.Length + 64
        && hash[Prefix.Length..].All(char.IsAsciiHexDigit);

    /// <summary>The 32 hash bytes of a well-formed configured hash.</summary>
    public static byte[] Bytes(string hash) => Convert.FromHexString(hash.AsSpan(Prefix.Length));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
