using StackExchange.Redis;

namespace Migration.Redis;

/// <summary>
/// The Redis the process uses, resolved at start-up: the configured server or the embedded Garnet store.
/// <see cref="Description"/> is safe to log (no password).
/// </summary>
public sealed record RedisConnectionInfo(string ConnectionString, bool IsEmbedded, string Description)
{
    /// <summary>Describes a configured connection by its endpoints only.</summary>
    public static RedisConnectionInfo ForConfigured(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        var endpoints = string.Join(",", options.EndPoints.Select(EndPointText));
        return new RedisConnectionInfo(connectionString, IsEmbedded: false, endpoints);
    }

    /// <summary>The configuration for StackExchange.Redis, tolerant of a server that is not up yet.</summary>
    public ConfigurationOptions ToConfigurationOptions()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = false;
        return options;
    }

    public override string ToString() => Description;

    private static string EndPointText(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        System.Net.IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "",
    };
}
