using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Observability;

/// <summary>
/// A server of its own on the test Redis reached through a TCP proxy (so the store can be made unreachable), with a
/// 1 s database probe timeout, a 1 s store timeout and health published every second; its health thresholds are changed at run time through
/// configuration (<see cref="Set"/>), as an operator would.
/// </summary>
public sealed class HealthServerFixture : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private InProcessServer? _server;
    private TcpProxy? _redisProxy;

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public TcpProxy RedisProxy => _redisProxy ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        var port = int.Parse(_redis.ConnectionString.Split(',')[0].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
        _redisProxy = TcpProxy.Start(port);
        var id = "health-" + Guid.NewGuid().ToString("N")[..8];
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{_redisProxy.Port}",
            ["Redis:KeyPrefix"] = $"test:{id}:",
            ["Orleans:ClusterId"] = id,
            ["Orleans:ServiceId"] = id,
            ["Health:QueryTimeout"] = "00:00:01",
            ["Health:StoreTimeout"] = "00:00:01",
        },
        // The gRPC health service answers from the health publisher's last run: every second here, not every 10.
        services => Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckPublisherOptions>(
            services, o => o.Period = TimeSpan.FromSeconds(1)));
    }

    /// <summary>Changes configuration keys on the running server and reloads it (null removes a key's override).</summary>
    public void Set(IReadOnlyDictionary<string, string?> values)
    {
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)Server.Services.GetService(typeof(Microsoft.Extensions.Configuration.IConfiguration))!;
        foreach (var (key, value) in values)
        {
            configuration[key] = value;
        }

        configuration.Reload();
    }

    public async Task DisposeAsync()
    {
        _redisProxy?.Resume();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_redisProxy is not null)
        {
            await _redisProxy.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
