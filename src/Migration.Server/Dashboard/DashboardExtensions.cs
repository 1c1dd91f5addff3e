using Grpc.AspNetCore.Web;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Migration.Server.Dashboard;

/// <summary>The web dashboard: gRPC-Web for every gRPC service, the dashboard's static files, its browser endpoint.</summary>
public static class DashboardExtensions
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplicationBuilder AddMigrationDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(DashboardOptions.SectionName);
        builder.Services.AddOptions<DashboardOptions>().Bind(section)
            .Validate(o => DashboardEndpoints.IsValidUrl(o.Url), "Dashboard:Url must be an absolute http:// or https:// URL with a port")
            .ValidateOnStart();
        var options = section.Get<DashboardOptions>() ?? new DashboardOptions();
        if (options.Enabled && !string.IsNullOrWhiteSpace(options.Url) && DashboardEndpoints.IsValidUrl(options.Url))
        {
            builder.WebHost.ConfigureKestrel((context, kestrel) => DashboardEndpoints.Listen(kestrel, context.Configuration, options.Url));
        }

        return builder;
    }

    /// <summary>Call before the authentication middleware: the dashboard's files are public, the gRPC calls are not.</summary>
    public static WebApplication MapMigrationDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migration.Server.Dashboard");
        if (!string.IsNullOrWhiteSpace(options.Url))
        {
            DashboardLog.Endpoint(logger, options.Url);
        }

        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        var candidates = Candidates(options, app.Environment).ToList();
        var root = candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "index.html")));
        if (root is null)
        {
            DashboardLog.NotBuilt(logger, string.Join(", ", candidates));
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == "/" && HttpMethods.IsGet(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await context.Response.WriteAsync("The dashboard is not built: run clients/web/build.sh (or set Dashboard:Root).\n");
                    return;
                }

                await next(context);
            });
            return app;
        }

        DashboardLog.Serving(logger, root);
        var files = new PhysicalFileProvider(root);
        app.Lifetime.ApplicationStopped.Register(files.Dispose);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }

    private static IEnumerable<string> Candidates(DashboardOptions options, IWebHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Root))
        {
            yield return Path.GetFullPath(options.Root, environment.ContentRootPath);
            yield break;
        }

        yield return Path.Combine(environment.ContentRootPath, "wwwroot");
        yield return Path.Combine(AppContext.BaseDirectory, "wwwroot");
        // A source checkout: `dotnet run --project src/Migration.Server` (content root = the project directory).
        yield return Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", "..", "clients", "web", "dist"));
    }
}
