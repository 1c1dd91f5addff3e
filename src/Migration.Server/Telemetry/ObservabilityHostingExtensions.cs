using System.Text.Json;
using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Migration.Core.Abstractions;
using Migration.Server.Health;
using Migration.Server.Operations;
using Migration.Server.Security;

namespace Migration.Server.Telemetry;

/// <summary>
/// Metrics and spans of the migrations, agent calls traced across grains, the seed's health checks (gRPC health and
/// <c>GET /healthz</c>), and the OperationsService (audit trail, GetMetrics).
/// </summary>
public static class ObservabilityHostingExtensions
{
    /// <summary>gRPC health service name whose status covers the databases in use (the default "" does not).</summary>
    public const string DatabasesHealthService = "migration.v1.Databases";

    public const string HealthPath = "/healthz";

    private const string DatabasesTag = "databases";

    /// <summary>Call after the store (IMigrationEventLog) is registered.</summary>
    public static WebApplicationBuilder AddMigrationObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MigrationInstruments>();
        services.AddSingleton<ProcessSampler>();
        DecorateEventLog(services);

        // Spans per agent call, parented across grains (UseOrleans adds to the silo the agent runtime configured).
        builder.UseOrleans(silo => silo.AddActivityPropagation());

        services.AddOptions<HealthThresholds>().Bind(builder.Configuration.GetSection(HealthThresholds.SectionName))
            .Validate(t => t.Validate().Count == 0, "Invalid Health thresholds: fractions are 0..1 and timeouts above zero.").ValidateOnStart();
        services.AddHealthChecks()
            // A database that does not answer is reported as such (its probe's own timeout), not left hanging.
            .AddCheck<DatabaseHealthCheck>("databases", tags: [DatabasesTag], timeout: TimeSpan.FromSeconds(30))
            .AddCheck<DiskSpaceHealthCheck>("disk")
            .AddCheck<ProcessHealthCheck>("process");
        services.Configure<GrpcHealthChecksOptions>(options =>
        {
            // A database outage must not make the server look dead (and be restarted): it has its own service name.
            options.Services.Map("", result => !result.Tags.Contains(DatabasesTag));
            options.Services.Map(DatabasesHealthService, result => result.Tags.Contains(DatabasesTag));
        });
        return builder;
    }

    public static WebApplication MapMigrationObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<OperationsGrpcService>();
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync }).AllowAnonymous();
        return app;
    }

    private static void DecorateEventLog(IServiceCollection services)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IMigrationEventLog))
            ?? throw new InvalidOperationException("Register the event log (AddMigrationRedis) before AddMigrationObservability.");
        services.Remove(descriptor);
        services.AddSingleton<IMigrationEventLog>(provider =>
        {
            var inner = descriptor switch
            {
                { ImplementationInstance: IMigrationEventLog instance } => instance,
                { ImplementationFactory: { } factory } => (IMigrationEventLog)factory(provider),
                { ImplementationType: { } type } => (IMigrationEventLog)ActivatorUtilities.CreateInstance(provider, type),
                _ => throw new InvalidOperationException("Unsupported event log registration."),
            };
            return new TelemetryEventLog(inner, provider.GetRequiredService<MigrationInstruments>(), provider.GetRequiredService<TimeProvider>());
        });
    }

    /// <summary>{"status":"Healthy","checks":[{"name":..,"status":..,"description":..,"ms":..}]}: 200 unless Unhealthy (503).</summary>
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = SecretRedactor.Redact(e.Value.Description),
                ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
