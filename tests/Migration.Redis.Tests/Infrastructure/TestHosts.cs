using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Migration.Agents.Hosting;
using Migration.Redis.Hosting;

namespace Migration.Redis.Tests.Infrastructure;

/// <summary>Builds hosts the way the server does: configuration, AddMigrationRedis and, optionally, the agent runtime.</summary>
public static class TestHosts
{
    public static IHost Build(string contentRoot, IDictionary<string, string?> settings, bool withAgents = false, CollectingLoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        var redis = builder.AddMigrationRedis();
        if (withAgents)
        {
            builder.AddMigrationAgentRuntime(redis);
        }

        return builder.Build();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }

    public static T Get<T>(this IHost host) where T : notnull => host.Services.GetRequiredService<T>();
}
