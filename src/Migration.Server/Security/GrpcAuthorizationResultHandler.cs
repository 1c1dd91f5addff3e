using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Migration.Server.Audit;

namespace Migration.Server.Security;

/// <summary>
/// Refused gRPC calls end with a gRPC status instead of a bare HTTP 401/403: UNAUTHENTICATED (no or bad credentials,
/// with the reason: unknown key, expired token...) or PERMISSION_DENIED (naming the roles that would do). Both are
/// written to the audit trail. Other requests get ASP.NET Core's default handling.
/// </summary>
public sealed class GrpcAuthorizationResultHandler(IAuditTrail audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded || !GrpcStatusResponse.IsGrpc(context.Request))
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var (code, message) = authorizeResult.Challenged || context.User.Identity?.IsAuthenticated != true
            ? (StatusCode.Unauthenticated, "Authentication required: " + AuthenticationFailure(context))
            : (StatusCode.PermissionDenied, $"{context.User.Identity?.Name} may not call {AuditRecords.ActionOf(context)}: it needs the role " +
                                            string.Join(" or ", RequiredRoles(policy)) + ".");
        await audit.RecordAsync(AuditRecords.For(context, AuditRecords.ActionOf(context), null, code.ToString(), message), context.RequestAborted);
        await GrpcStatusResponse.WriteAsync(context, code, message);
    }

    public static IEnumerable<string> RequiredRoles(AuthorizationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
            .SelectMany(r => r.AllowedRoles).Distinct(StringComparer.Ordinal);
    }

    private static string AuthenticationFailure(HttpContext context) =>
        AuthenticationFailures.Get(context) is { Length: > 0 } failure
            ? failure
            : "give an API key (x-api-key header) or a bearer token (authorization: Bearer JWT).";
}
