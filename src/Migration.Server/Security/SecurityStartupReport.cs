using Microsoft.Extensions.Options;

namespace Migration.Server.Security;

/// <summary>Says on start how callers authenticate, and warns when nobody can.</summary>
public sealed partial class SecurityStartupReport(IOptions<SecurityOptions> options, ILogger<SecurityStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var security = options.Value;
        if (security.DevelopmentMode)
        {
            LogDevelopmentMode(logger);
        }

        if (!security.HasCredentials && !security.DevelopmentMode)
        {
            LogNoCredentials(logger);
        }
        else if (security.HasCredentials)
        {
            LogCredentials(logger, security.ApiKeys.Count, security.Jwt.IsConfigured);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Security:DevelopmentMode is on: calls from this machine need no credentials and hold every role. Never use it for a shared server.")]
    private static partial void LogDevelopmentMode(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No credentials are configured (Security:ApiKeys, Security:Jwt): every call will be refused with UNAUTHENTICATED. " +
                  "For a local trial set Security:DevelopmentMode=true (loopback only).")]
    private static partial void LogNoCredentials(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication: {ApiKeys} API key(s), JWT bearer tokens {Jwt}")]
    private static partial void LogCredentials(ILogger logger, int apiKeys, bool jwt);
}
