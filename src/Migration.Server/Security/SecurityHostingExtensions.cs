using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Migration.Core.Security;
using Migration.Guidance.Abstractions;
using Migration.Server.Audit;

namespace Migration.Server.Security;

/// <summary>
/// Authentication (API keys, JWT bearer, loopback development mode), the role policies of
/// <see cref="MigrationPolicies"/>, gRPC statuses for refused calls, and the audit trail.
/// </summary>
public static class SecurityHostingExtensions
{
    public static WebApplicationBuilder AddMigrationSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var section = builder.Configuration.GetSection(SecurityOptions.SectionName);
        services.AddOptions<SecurityOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<IGuidanceAuthorizer, RoleGuidanceAuthorizer>();
        services.AddSingleton<OpenStreams>();
        var security = section.Get<SecurityOptions>() ?? new SecurityOptions();

        var authentication = services.AddAuthentication(MigrationAuthenticationSchemes.Selector)
            .AddPolicyScheme(MigrationAuthenticationSchemes.Selector, "API key, bearer token or development mode", scheme =>
                scheme.ForwardDefaultSelector = context => SelectScheme(context, security))
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(MigrationAuthenticationSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(MigrationAuthenticationSchemes.Development, null);
        if (security.Jwt.IsConfigured)
        {
            authentication.AddJwtBearer(MigrationAuthenticationSchemes.Bearer, _ => { });
            services.AddOptions<JwtBearerOptions>(MigrationAuthenticationSchemes.Bearer)
                .Configure<IOptions<SecurityOptions>>((jwt, options) => ConfigureJwt(jwt, options.Value.Jwt));
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(MigrationPolicies.View, policy => policy.RequireRole(MigrationPolicies.RolesFor(MigrationPolicies.View)))
            .AddPolicy(MigrationPolicies.Operate, policy => policy.RequireRole(MigrationPolicies.RolesFor(MigrationPolicies.Operate)))
            .AddPolicy(MigrationPolicies.Approve, policy => policy.RequireRole(MigrationPolicies.RolesFor(MigrationPolicies.Approve)))
            .AddPolicy(MigrationPolicies.Administer, policy => policy.RequireRole(MigrationPolicies.RolesFor(MigrationPolicies.Administer)));
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GrpcAuthorizationResultHandler>();
        services.AddHostedService<SecurityStartupReport>();

        // Encryption at rest (Security:Encryption:Keys:<id> = base64 32 bytes, Security:Encryption:ActiveKey = <id>):
        // built here so a bad key stops the start with its reason.
        var encryption = section.GetSection("Encryption");
        var keys = encryption.GetSection("Keys").GetChildren().ToDictionary(k => k.Key, k => k.Value ?? string.Empty, StringComparer.Ordinal);
        if (keys.Count > 0)
        {
            services.AddSingleton(PayloadProtector.FromBase64(keys, encryption["ActiveKey"] ?? string.Empty));
        }

        services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.SectionName));
        services.AddSingleton<IAuditTrail, PostgresAuditTrail>();
        return builder;
    }

    public static WebApplication UseMigrationSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    private static string SelectScheme(HttpContext context, SecurityOptions security)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return security.Jwt.IsConfigured ? MigrationAuthenticationSchemes.Bearer : MigrationAuthenticationSchemes.ApiKey;
        }

        if (ApiKeyAuthenticationHandler.ReadKey(context.Request) is not null)
        {
            return MigrationAuthenticationSchemes.ApiKey;
        }

        return security.DevelopmentMode ? MigrationAuthenticationSchemes.Development : MigrationAuthenticationSchemes.ApiKey;
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, JwtOptions options)
    {
        jwt.MapInboundClaims = false;
        jwt.RequireHttpsMetadata = false; // no metadata is fetched: the key is configured
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = JwtKeys.Load(options),
            ClockSkew = options.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = ClaimTypes.Role,
        };
        jwt.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                context.Fail(AuthenticationFailures.Set(context.HttpContext, AuthenticationFailures.Describe(context.Exception)));
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (context.Principal?.Identity is ClaimsIdentity identity)
                {
                    AddRoleClaims(identity);
                }

                return Task.CompletedTask;
            },
        };
    }

    /// <summary>role/roles claims (a string, comma-separated, or an array) become role claims; unknown roles are ignored.</summary>
    private static void AddRoleClaims(ClaimsIdentity identity)
    {
        var roles = identity.FindAll(c => c.Type is "role" or "roles")
            .SelectMany(c => c.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(MigrationRoles.IsKnown)
            .Select(MigrationRoles.Normalize)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var role in roles)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        if (identity.FindFirst("sub") is null && identity.FindFirst("name") is { } name)
        {
            identity.AddClaim(new Claim("sub", name.Value));
        }

        identity.AddClaim(new Claim(MigrationAuthenticationSchemes.MethodClaim, "jwt"));
    }
}
