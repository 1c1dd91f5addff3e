using System.Diagnostics;
using System.Security.Claims;
using Migration.Server.Security;

namespace Migration.Server.Audit;

/// <summary>Builds audit records from the HTTP context of a call: actor, how they authenticated, roles, peer, trace.</summary>
public static class AuditRecords
{
    public const string Ok = "OK";

    public static AuditRecord For(HttpContext http, string action, string? migrationId, string outcome, string detail)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var remote = http.Connection.RemoteIpAddress;
        var peer = remote is null ? "unknown" : $"{(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)}:{http.Connection.RemotePort}";
        return new AuditRecord(
            0,
            DateTimeOffset.UtcNow,
            string.IsNullOrWhiteSpace(migrationId) ? null : migrationId,
            authenticated ? user.Identity!.Name ?? "unnamed" : "anonymous",
            authenticated ? user.FindFirst(MigrationAuthenticationSchemes.MethodClaim)?.Value ?? user.Identity!.AuthenticationType ?? "unknown" : "none",
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            action,
            peer,
            outcome,
            SecretRedactor.Redact(detail),
            Activity.Current?.TraceId.ToString());
    }

    /// <summary>"migration.v1.MigrationService/StartMigration" from the request path of a gRPC call.</summary>
    public static string ActionOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Request.Path.Value?.TrimStart('/') ?? "unknown";
    }
}
