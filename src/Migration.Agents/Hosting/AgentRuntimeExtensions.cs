using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Migration.Agents.Cluster;
using Migration.Core.Security;
using Migration.Core.Serialization;
using Migration.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Migration.Agents.Hosting;

public static class AgentRuntimeExtensions
{
    /// <summary>
    /// Hosts the agents' Orleans silo on <paramref name="redis"/>: localhost clustering on the embedded store, Redis
    /// clustering (with quick failure detection) on a configured Redis; in both cases Redis grain storage
    /// "<see cref="AgentRuntimeOptions.StorageName"/>" (also the default storage) and Redis reminders on the shared
    /// connection, and System.Text.Json (<see cref="MigrationJson.Options"/>) for the Core types, which carry no
    /// Orleans attributes.
    /// </summary>
    public static IHostApplicationBuilder AddMigrationAgentRuntime(this IHostApplicationBuilder builder, RedisConnectionInfo redis)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(redis);

        var section = builder.Configuration.GetSection(AgentRuntimeOptions.SectionName);
        var options = section.Get<AgentRuntimeOptions>() ?? new AgentRuntimeOptions();
        var validation = new AgentRuntimeOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AgentRuntimeOptions), validation.Failures);
        }

        builder.Services.AddOptions<AgentRuntimeOptions>().Bind(section).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentRuntimeOptions>, AgentRuntimeOptionsValidator>());

        var siloPort = options.SiloPort == 0 ? FreeTcpPort() : options.SiloPort;
        builder.UseOrleans(silo =>
        {
            if (redis.IsEmbedded)
            {
                silo.UseLocalhostClustering(siloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }
            else
            {
                ConfigureCluster(silo, redis, options, siloPort);
            }

            silo.AddRedisGrainStorage(AgentRuntimeOptions.StorageName, storage => ConfigureStorage(storage, redis));
            silo.AddRedisGrainStorageAsDefault(storage => ConfigureStorage(storage, redis));
            silo.UseRedisReminderService(reminders => reminders.ConfigurationOptions = redis.ToConfigurationOptions());
            silo.Services.AddOptions<RedisReminderTableOptions>().Configure<IConnectionMultiplexer>((reminders, connection) =>
                reminders.CreateMultiplexer = _ => Task.FromResult<(IConnectionMultiplexer, bool)>((connection, true)));
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = TimeSpan.FromMinutes(1));
            // Analysis of a large catalog and the validation of a large table are single agent calls: give them time.
            silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromMinutes(30));
            silo.Services.AddPlacementDirector<RangeSpreadPlacement, RangeSpreadPlacementDirector>();
            silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(
                isSupported: type => type.Namespace?.StartsWith("Migration.Core", StringComparison.Ordinal) == true,
                jsonSerializerOptions: new JsonSerializerOptions(MigrationJson.Options)));
        });
        return builder;
    }

    private static void ConfigureCluster(ISiloBuilder silo, RedisConnectionInfo redis, AgentRuntimeOptions options, int siloPort)
    {
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        silo.UseRedisClustering(clustering => clustering.ConfigurationOptions = redis.ToConfigurationOptions());
        silo.Services.AddOptions<Orleans.Clustering.Redis.RedisClusteringOptions>().Configure<IConnectionMultiplexer>((clustering, connection) =>
            clustering.CreateMultiplexer = _ => Task.FromResult<(IConnectionMultiplexer, bool)>((connection, true)));
        silo.Configure<EndpointOptions>(endpoints =>
        {
            endpoints.SiloPort = siloPort;
            endpoints.GatewayPort = options.GatewayPort;
            if (!string.IsNullOrWhiteSpace(options.AdvertisedIPAddress))
            {
                endpoints.AdvertisedIPAddress = IPAddress.Parse(options.AdvertisedIPAddress);
            }
        });

        // A dead silo is noticed in seconds rather than minutes, so its grains (a migration's orchestrator, its
        // table and range agents) are reactivated elsewhere quickly.
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = options.ProbeTimeout;
            membership.NumMissedProbesLimit = options.MissedProbesLimit;
            membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
        });
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Grain state is written with Orleans' own serializer (Core types inside it go through the System.Text.Json codec
    // above), not the provider's default Newtonsoft JSON with type names, which wrote computed LINQ properties of Core
    // records as runtime iterator types it could not read back after a restart.
    private static void ConfigureStorage(OptionsBuilder<RedisStorageOptions> storage, RedisConnectionInfo redis) =>
        storage.Configure<IConnectionMultiplexer, Serializer, IServiceProvider>((options, connection, serializer, services) =>
        {
            options.ConfigurationOptions = redis.ToConfigurationOptions();
            options.CreateMultiplexer = _ => Task.FromResult<(IConnectionMultiplexer, bool)>((connection, true));
            IGrainStorageSerializer state = new OrleansGrainStorageSerializer(serializer);
            // With an encryption key configured (Security:Encryption), state is encrypted at rest.
            options.GrainStorageSerializer = services.GetService<PayloadProtector>() is { } protector
                ? new ProtectedGrainStorageSerializer(state, protector)
                : state;
        });
}
