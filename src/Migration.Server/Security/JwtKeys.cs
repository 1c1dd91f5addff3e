using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Migration.Server.Security;

/// <summary>The validation key of <see cref="JwtOptions"/>: a symmetric key (base64) or a PEM public key (RSA or EC).</summary>
public static class JwtKeys
{
    public const int MinimumSymmetricKeyBytes = 32;

    public static SecurityKey Load(JwtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.PublicKeyFile))
        {
            var pem = File.ReadAllText(options.PublicKeyFile);
            if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new ArgumentException("PublicKeyFile holds a private key; give the server the public key only.");
            }

            if (pem.Contains("BEGIN PUBLIC KEY", StringComparison.Ordinal) || pem.Contains("BEGIN RSA PUBLIC KEY", StringComparison.Ordinal))
            {
                try
                {
                    var rsa = RSA.Create();
                    rsa.ImportFromPem(pem);
                    return new RsaSecurityKey(rsa);
                }
                catch (CryptographicException)
                {
                    var ec = ECDsa.Create();
                    ec.ImportFromPem(pem);
                    return new ECDsaSecurityKey(ec);
                }
            }

            throw new FormatException("PublicKeyFile is not a PEM public key (BEGIN PUBLIC KEY).");
        }

        var text = !string.IsNullOrWhiteSpace(options.SigningKeyFile) ? File.ReadAllText(options.SigningKeyFile).Trim() : options.SigningKey.Trim();
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException("the signing key must be base64 (e.g. `openssl rand -base64 32`).");
        }

        return bytes.Length < MinimumSymmetricKeyBytes
            ? throw new ArgumentException($"the signing key has {bytes.Length} bytes; HS256 needs at least {MinimumSymmetricKeyBytes}.")
            : new SymmetricSecurityKey(bytes);
    }
}
