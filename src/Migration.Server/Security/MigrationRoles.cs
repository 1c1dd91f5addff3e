namespace Migration.Server.Security;

/// <summary>
/// The roles a caller can hold (API key <c>Roles</c>, JWT <c>role</c>/<c>roles</c> claims). They are not nested:
/// an operator may start what an approver approved, and a key may hold several roles. <see cref="Admin"/> passes every
/// policy; any role includes what a <see cref="Viewer"/> may do.
/// </summary>
public static class MigrationRoles
{
    /// <summary>Read, watch, ask.</summary>
    public const string Viewer = "viewer";

    /// <summary>Create, start, pause, resume, cancel, validate.</summary>
    public const string Operator = "operator";

    /// <summary>Approve plans, answer decisions.</summary>
    public const string Approver = "approver";

    /// <summary>Rollback, restore, configuration, the audit trail; passes every policy.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Approver, Admin];

    /// <summary>True when <paramref name="role"/> is one of the four (case-insensitive).</summary>
    public static bool IsKnown(string role) => All.Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical (lower-case) spelling of a known role.</summary>
    public static string Normalize(string role) =>
        All.FirstOrDefault(r => string.Equals(r, role.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown role '{role}' (known: {string.Join(", ", All)})", nameof(role));
}
