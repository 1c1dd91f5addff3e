using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Migration.Core.Recovery;
using Migration.Postgres.Recovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers recovery (section "Recovery", validated on start): rollback, backups, the execution lease.</summary>
public static class RecoveryServiceCollectionExtensions
{
    public static IServiceCollection AddMigrationRecovery(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RecoveryOptions>().Bind(configuration.GetSection(RecoveryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecoveryOptions>, RecoveryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMigrationRecovery, PostgresMigrationRecovery>();
        services.TryAddSingleton<IExecutionLeases, PostgresExecutionLeases>();
        return services;
    }
}
