using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Migration.Server.Dashboard;

/// <summary>
/// Adds the browsers' endpoint (<see cref="DashboardOptions.Url"/>: HTTP/1.1, and HTTP/2 too over TLS) to Kestrel. Endpoints declared
/// in code replace the "urls" setting, so the server's own URLs are declared again here, with the protocols of
/// Kestrel:EndpointDefaults, unless Kestrel:Endpoints declares the endpoints itself.
/// </summary>
internal static class DashboardEndpoints
{
    private const string DefaultUrls = "http://localhost:5000";

    public static void Listen(KestrelServerOptions kestrel, IConfiguration configuration, string dashboardUrl)
    {
        if (!configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            var protocols = configuration.GetValue<HttpProtocols?>("Kestrel:EndpointDefaults:Protocols") ?? HttpProtocols.Http1AndHttp2;
            var urls = configuration[WebHostDefaults.ServerUrlsKey];
            foreach (var url in (string.IsNullOrWhiteSpace(urls) ? DefaultUrls : urls)
                         .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Bind(kestrel, url, protocols);
            }
        }

        // Browsers speak HTTP/2 only over TLS: a plain-text browser endpoint is HTTP/1.1.
        var dashboardHttps = dashboardUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        Bind(kestrel, dashboardUrl, dashboardHttps ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1);
    }

    public static bool IsValidUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }

        try
        {
            var address = BindingAddress.Parse(url);
            return !address.IsUnixPipe && address.Scheme is "http" or "https" && address.Port > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void Bind(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var address = BindingAddress.Parse(url);
        var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (https)
            {
                listen.UseHttps();
            }
        }

        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, Configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, Configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, Configure); // "*", "+" and host names
        }
    }
}
