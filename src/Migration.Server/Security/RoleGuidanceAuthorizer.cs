using Migration.Guidance.Abstractions;
using Migration.Guidance.Answers;

namespace Migration.Server.Security;

/// <summary>
/// Chat actions need the same roles as the RPCs that do the same thing: pause, resume and cancel need operator,
/// approving a plan and answering a decision need approver, rolling back needs admin (admin may do all). Asking is open to every role; acting
/// through the chat is not a way around the roles.
/// </summary>
public sealed class RoleGuidanceAuthorizer : IGuidanceAuthorizer
{
    public ValueTask<GuidanceAuthorization> AuthorizeAsync(GuidanceCaller caller, GuidanceActionKind action, string migrationId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var policy = action switch
        {
            GuidanceActionKind.Pause or GuidanceActionKind.Resume or GuidanceActionKind.Cancel => MigrationPolicies.Operate,
            GuidanceActionKind.ApprovePlan or GuidanceActionKind.AnswerDecision => MigrationPolicies.Approve,
            // Safely returning to the previous state removes what the migration wrote: admin, as RecoveryService.RollbackMigration.
            GuidanceActionKind.Rollback => MigrationPolicies.Administer,
            _ => MigrationPolicies.Administer,
        };
        var allowed = MigrationPolicies.RolesFor(policy);
        return ValueTask.FromResult(caller.Roles.Any(r => allowed.Contains(r, StringComparer.OrdinalIgnoreCase))
            ? GuidanceAuthorization.Allow
            : GuidanceAuthorization.Deny($"{caller.User} may not do that: it needs the role {string.Join(" or ", allowed)}."));
    }
}
