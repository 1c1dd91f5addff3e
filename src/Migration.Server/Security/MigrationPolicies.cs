using System.Security.Claims;

namespace Migration.Server.Security;

/// <summary>
/// Authorization policy names for gRPC methods: put <c>[Authorize(Policy = MigrationPolicies.Operate)]</c> on a
/// service method (or class). A method without a policy falls back to <see cref="Administer"/> (deny by default).
/// Unauthenticated calls end with UNAUTHENTICATED, callers without the role with PERMISSION_DENIED. Calls that
/// need more than View are written to the audit trail automatically.
/// </summary>
public static class MigrationPolicies
{
    /// <summary>Read, watch, ask: any role.</summary>
    public const string View = "migration.view";

    /// <summary>Create, start, pause, resume, cancel, validate: operator or admin.</summary>
    public const string Operate = "migration.operate";

    /// <summary>Approve plans, answer decisions: approver or admin.</summary>
    public const string Approve = "migration.approve";

    /// <summary>Rollback, restore, configuration, audit trail: admin.</summary>
    public const string Administer = "migration.administer";

    /// <summary>The roles that satisfy a policy.</summary>
    public static IReadOnlyList<string> RolesFor(string policy) => policy switch
    {
        View => MigrationRoles.All,
        Operate => [MigrationRoles.Operator, MigrationRoles.Admin],
        Approve => [MigrationRoles.Approver, MigrationRoles.Admin],
        Administer => [MigrationRoles.Admin],
        _ => throw new ArgumentException($"unknown policy '{policy}'", nameof(policy)),
    };

    /// <summary>
    /// Whether <paramref name="user"/> satisfies <paramref name="policy"/>: for checks inside a call (a chat message
    /// that asks to pause, a start with auto-approve).
    /// </summary>
    public static bool Allows(ClaimsPrincipal user, string policy)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.IsAuthenticated == true && RolesFor(policy).Any(user.IsInRole);
    }
}
