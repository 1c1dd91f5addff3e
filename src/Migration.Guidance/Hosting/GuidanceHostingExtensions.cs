using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Migration.Core.Agents;
using Migration.Guidance.Abstractions;
using Migration.Guidance.Conversations;
using Migration.Guidance.Deterministic;
using Migration.Guidance.Facts;
using Migration.Guidance.Model;

namespace Migration.Guidance.Hosting;

public static class GuidanceHostingExtensions
{
    /// <summary>
    /// The User Guidance agent: options (section Guidance, validated on start; the model from Guidance:Model or
    /// GUIDANCE_MODEL_ENDPOINT/NAME/API_KEY), the decision timeout the orchestrator reads, conversations in Redis, both
    /// engines and the assistant. <see cref="IGuidanceAuthorizer"/> and <see cref="IMigrationGateway"/> are added with
    /// TryAdd: a registration made before (the security layer's) wins.
    /// </summary>
    public static IServiceCollection AddMigrationGuidance(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(GuidanceOptions.Section);
        services.AddOptions<GuidanceOptions>()
            .Bind(section)
            .PostConfigure(o =>
            {
                o.Model.Endpoint ??= Uri.TryCreate(configuration["GUIDANCE_MODEL_ENDPOINT"], UriKind.Absolute, out var endpoint) ? endpoint : null;
                o.Model.Name ??= configuration["GUIDANCE_MODEL_NAME"];
                o.Model.ApiKey ??= configuration["GUIDANCE_MODEL_API_KEY"];
            })
            .Validate(o => o.MaxMessageLength is > 0 and <= 100_000, "Guidance:MaxMessageLength must be between 1 and 100000.")
            .Validate(o => o.ConversationTtl > TimeSpan.Zero, "Guidance:ConversationTtl must be positive.")
            .Validate(o => o.MaxTurns >= 10, "Guidance:MaxTurns must be at least 10.")
            .Validate(o => o.Model.Timeout > TimeSpan.Zero, "Guidance:Model:Timeout must be positive.")
            .Validate(o => o.Model.Endpoint is null || o.Model.Endpoint.Scheme is "http" or "https", "Guidance:Model:Endpoint must be an http(s) URL.")
            .ValidateOnStart();
        services.AddOptions<DecisionGateOptions>()
            .Bind(section)
            .Validate(o => o.DecisionTimeout > TimeSpan.Zero, "Guidance:DecisionTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGuidanceAuthorizer, AllowAllGuidanceAuthorizer>();
        services.TryAddSingleton<IMigrationGateway, GrainMigrationGateway>();
        services.TryAddSingleton<IConversationStore, RedisConversationStore>();
        services.TryAddSingleton<MigrationFactsReader>();
        services.TryAddSingleton<DeterministicEngine>();
        services.TryAddSingleton<IModelGuidanceEngine, KernelGuidanceEngine>();
        services.TryAddSingleton<GuidanceAssistant>();
        return services;
    }
}
