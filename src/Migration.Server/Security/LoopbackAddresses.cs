using System.Net;

namespace Migration.Server.Security;

/// <summary>Which of the addresses the server is configured to listen on are not loopback-only.</summary>
public static class LoopbackAddresses
{
    /// <summary>
    /// The configured listen URLs (<c>urls</c>, i.e. --urls / ASPNETCORE_URLS, and <c>Kestrel:Endpoints:*:Url</c>)
    /// whose host is not 127.0.0.0/8, ::1 or localhost. Wildcards (*, +, 0.0.0.0, [::]) and names are not loopback.
    /// </summary>
    public static IReadOnlyList<string> NonLoopback(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = new List<string>();
        if (configuration["urls"] is { Length: > 0 } configured)
        {
            urls.AddRange(configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                urls.Add(url);
            }
        }

        return urls.Where(url => !IsLoopbackUrl(url)).ToList();
    }

    public static bool IsLoopbackUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))] : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
