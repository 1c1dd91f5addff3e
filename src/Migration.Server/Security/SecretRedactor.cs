using System.Text.RegularExpressions;

namespace Migration.Server.Security;

/// <summary>
/// Removes secrets from free text before it is logged, audited or returned: connection-string passwords
/// (<c>Password=...</c>, <c>pwd=...</c>), URL credentials (<c>postgres://user:pw@</c>), bearer tokens, JWTs and API
/// keys. A last line of defence: secrets are kept out of messages in the first place (descriptions without passwords).
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        text = KeyValueSecret().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Mask);
        text = UrlCredentials().Replace(text, m => m.Groups["scheme"].Value + m.Groups["user"].Value + ":" + Mask + "@");
        text = Bearer().Replace(text, "Bearer " + Mask);
        text = Jwt().Replace(text, Mask);
        return ApiKey().Replace(text, "mig_" + Mask);
    }

    [GeneratedRegex(@"(?<key>\b(?:password|pwd|passwd|passphrase|secret|client[_ ]?secret|api[-_ ]?key|token|ssl[_ ]?password)\b)(?<sep>\s*[=:]\s*)(?:'[^']*'|""[^""]*""|[^;\s,]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValueSecret();

    [GeneratedRegex(@"(?<scheme>\b[a-z][a-z0-9+.-]*://)(?<user>[^:/@\s]+):[^@/\s]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9\-_.~+/=]+", RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bmig_[A-Za-z0-9_-]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex ApiKey();
}
