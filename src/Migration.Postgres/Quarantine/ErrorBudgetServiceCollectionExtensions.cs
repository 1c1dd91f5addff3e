using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Migration.Core.Execution;
using Migration.Postgres.Quarantine;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the bad-row error budget (section <see cref="SectionName"/>: MaxQuarantinedRows, MaxQuarantinedFraction,
/// FractionAppliesAfterRows), validated on start.
/// </summary>
public static class ErrorBudgetServiceCollectionExtensions
{
    public const string SectionName = "Migration:ErrorBudget";

    public static IServiceCollection AddMigrationErrorBudget(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ErrorBudget>().Bind(configuration.GetSection(SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ErrorBudget>, ErrorBudgetValidator>());
        return services;
    }
}
