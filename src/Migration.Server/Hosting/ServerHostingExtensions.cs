using Migration.Agents;
using Migration.Agents.Hosting;
using Migration.Guidance.Hosting;

using Migration.Redis.Hosting;
using Migration.Server.Connections;
using Migration.Server.Dashboard;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Migration.Server.Cluster;
using Migration.Server.Errors;
using Migration.Server.Health;
using Migration.Server.Recovery;
using Migration.Server.Security;
using Migration.Server.Telemetry;
using Migration.Server.Services;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Migration.Server.Hosting;

public static class ServerHostingExtensions
{
    /// <summary>Everything the server runs: gRPC (+ health, reflection), the store, the agent runtime, telemetry.</summary>
    public static WebApplicationBuilder AddMigrationServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGrpc(options =>
        {
            // Outermost: refuses methods without a policy and audits the outcome the client sees.
            options.Interceptors.Add<SecurityInterceptor>();
            options.Interceptors.Add<StreamLimitInterceptor>();
            options.Interceptors.Add<ExceptionMappingInterceptor>();
            // Innermost: runs a unary call again when its agent's server died under it (clustered).
            options.Interceptors.Add<GrainFailoverInterceptor>();
            options.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddSingleton<NamedConnections>();
        builder.Services.AddSingleton<ConnectionResolver>();
        builder.AddMigrationSecurity();

        var redis = builder.AddMigrationRedis();
        builder.AddMigrationAgentRuntime(redis);
        builder.Services.AddMigrationAgents();
        builder.Services.AddMigrationPostgres();
        builder.Services.AddMigrationErrorBudget(builder.Configuration);
        builder.Services.AddMigrationRecovery(builder.Configuration);
        builder.Services.AddMigrationGuidance(builder.Configuration);
        builder.Services.AddHostedService<MigrationRecoveryService>();
        builder.AddMigrationTelemetry();
        builder.AddMigrationObservability();
        builder.AddMigrationDashboard();
        return builder;
    }

    public static WebApplication MapMigrationServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapMigrationDashboard(); // before authentication: the dashboard's files are public, its gRPC-Web calls are not
        app.UseMigrationSecurity();
        app.MapGrpcService<MigrationGrpcService>();
        app.MapGrpcService<GuidanceGrpcService>();
        app.MapGrpcService<MappingGrpcService>();
        app.MapGrpcService<RecoveryGrpcService>();
        app.MapGrpcService<QuarantineGrpcService>();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().RequireAuthorization(MigrationPolicies.View);
        app.MapMigrationObservability();
        return app;
    }

    /// <summary>
    /// OpenTelemetry traces and metrics of the server, the agent runtime and Npgsql. Exporters are opt-in: OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, the console when Telemetry:Console is true; nothing is needed locally.
    /// </summary>
    private static void AddMigrationTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue<bool>("Telemetry:Console");
        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.WithTracing(tracing =>
        {
            // Microsoft.AspNetCore: one span per gRPC call (the parent of the agent calls it makes).
            tracing.AddSource("Migration.*", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.AspNetCore").AddNpgsql();
            if (otlp)
            {
                tracing.AddOtlpExporter();
            }

            if (console)
            {
                tracing.AddConsoleExporter();
            }
        });
        telemetry.WithMetrics(metrics =>
        {
            // System.Runtime: memory, GC, CPU, thread pool; ASP.NET Core: gRPC calls, connections, auth results.
            metrics.AddMeter("Migration.*", "Microsoft.Orleans", "Npgsql", "System.Runtime", "Microsoft.AspNetCore.Hosting",
                "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization");
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }

            if (console)
            {
                metrics.AddConsoleExporter();
            }
        });
    }
}
