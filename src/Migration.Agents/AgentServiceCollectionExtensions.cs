using Migration.Agents.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Migration.Agents;

public static class AgentServiceCollectionExtensions
{
    /// <summary>Services the agents use besides the infrastructure (PostgreSQL, Redis) registered by their own projects.</summary>
    public static IServiceCollection AddMigrationAgents(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentJournal>();
        return services;
    }
}
