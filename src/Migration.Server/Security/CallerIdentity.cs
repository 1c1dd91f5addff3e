using Grpc.Core;

namespace Migration.Server.Security;

/// <summary>
/// Who asks, decided in one place for every service: the verified identity (API key or token) whatever the request
/// claims; without one, or in development mode, the name the client gives (trimmed), else the peer.
/// </summary>
public static class CallerIdentity
{
    public static string Name(ServerCallContext context, string? claimed)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.GetHttpContext().User;
        var verified = user.Identity?.IsAuthenticated == true
                       && user.FindFirst(MigrationAuthenticationSchemes.MethodClaim)?.Value != MigrationAuthenticationSchemes.Development;
        if (verified && user.Identity!.Name is { Length: > 0 } name)
        {
            return name;
        }

        if (!string.IsNullOrWhiteSpace(claimed))
        {
            return claimed.Trim();
        }

        return user.Identity?.Name is { Length: > 0 } known ? known : $"anonymous@{context.Peer}";
    }
}
