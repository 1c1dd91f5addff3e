namespace Migration.Server.Dashboard;

/// <summary>
/// The "Dashboard" configuration section: the web dashboard (static files built by clients/web/build.sh) and gRPC-Web,
/// which lets browsers call the gRPC services.
/// </summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Serve the dashboard's files and accept gRPC-Web calls. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// An extra endpoint for browsers, e.g. "http://127.0.0.1:5081". Browsers speak HTTP/2 only over TLS, and a
    /// plain-text endpoint serves either HTTP/2 (gRPC clients) or HTTP/1.1 (browsers), never both: with the default
    /// plain-text gRPC endpoint the dashboard needs an endpoint of its own. Empty: the dashboard is served on the
    /// server's own endpoints (enough when they use TLS, which negotiates HTTP/1.1 or HTTP/2 per connection).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// Directory of the built dashboard. Empty: "wwwroot" under the content root or next to the server's assembly,
    /// else the build output of a source checkout (clients/web/dist).
    /// </summary>
    public string? Root { get; set; }
}
