using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Redis.Agents;
using Migration.Redis.Embedded;
using Migration.Redis.Events;
using Migration.Redis.Registry;
using Migration.Redis.Resilience;
using StackExchange.Redis;

namespace Migration.Redis.Hosting;

public static class RedisHostingExtensions
{
    /// <summary>The log category prefix of the embedded Garnet server's own messages.</summary>
    public const string GarnetLogCategory = "Garnet";

    /// <summary>
    /// Resolves the Redis this process uses, now (Orleans needs the endpoint while it is configured): the configured
    /// Redis:ConnectionString, or the embedded Garnet store, started here and stopped when the host shuts down.
    /// Registers <see cref="RedisConnectionInfo"/>, a shared <see cref="IConnectionMultiplexer"/>, the validated
    /// <see cref="RedisOptions"/> and the stores (event log, agent memory, decision history, migration registry).
    /// Calling it again returns the connection resolved the first time.
    /// </summary>
    public static RedisConnectionInfo AddMigrationRedis(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.FirstOrDefault(d => d.ServiceType == typeof(RedisConnectionInfo))?.ImplementationInstance is RedisConnectionInfo existing)
        {
            return existing;
        }

        var section = builder.Configuration.GetSection(RedisOptions.SectionName);
        var options = section.Get<RedisOptions>() ?? new RedisOptions();
        var validation = new RedisOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RedisOptions), validation.Failures);
        }

        services.AddOptions<RedisOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());

        var deferredLogging = new DeferredLoggerFactory();
        var logger = deferredLogging.CreateLogger(typeof(RedisHostingExtensions).Namespace!);
        services.AddSingleton(deferredLogging);
        services.AddHostedService<RedisLoggingBridge>();

        RedisConnectionInfo connection;
        if (options.UsesEmbeddedStore)
        {
            var dataDirectory = Path.GetFullPath(options.Embedded.DataDirectory, builder.Environment.ContentRootPath);
            // Garnet logs its whole configuration at Information; by default only its warnings and errors show
            // ("Logging:LogLevel:Garnet" changes that). Its argument parser warns on every start that an external
            // logger factory overrides its own logging settings: that is by design here.
            builder.Logging.AddFilter(GarnetLogCategory, LogLevel.Warning);
            builder.Logging.AddFilter(GarnetLogCategory + ".ArgParser", LogLevel.Error);
            var server = EmbeddedGarnetServer.Start(options.Embedded, dataDirectory, new PrefixedLoggerFactory(deferredLogging, GarnetLogCategory + "."));
            connection = server.ConnectionInfo;
            RedisLog.UsingEmbeddedStore(logger, server.ConnectionString, server.DataDirectory);

            // Created through a factory so that the container owns (disposes) it; resolved by the multiplexer's
            // factory, so it is disposed after the multiplexer.
            services.AddSingleton(_ => new EmbeddedGarnetLifetime(server, deferredLogging));
            services.AddSingleton(sp => sp.GetRequiredService<EmbeddedGarnetLifetime>().Server);
        }
        else
        {
            connection = RedisConnectionInfo.ForConfigured(options.ConnectionString!);
            RedisLog.UsingRedis(logger, connection.Description);
        }

        services.AddSingleton(connection);
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            if (connection.IsEmbedded)
            {
                sp.GetRequiredService<EmbeddedGarnetLifetime>();
            }

            return ConnectionMultiplexer.Connect(connection.ToConfigurationOptions());
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RedisResilience(sp.GetService<ILogger<RedisResilience>>()));
        services.TryAddSingleton<IMigrationEventLog, RedisMigrationEventLog>();
        services.TryAddSingleton<IAgentMemory, RedisAgentMemory>();
        services.TryAddSingleton<IDecisionHistory, RedisDecisionHistory>();
        services.TryAddSingleton<IMigrationRegistry, RedisMigrationRegistry>();
        return connection;
    }
}
