using Migration.Guidance.Answers;

namespace Migration.Guidance.Abstractions;

/// <summary>The default: every caller may do every chat action (until the server's security layer registers its own).</summary>
public sealed class AllowAllGuidanceAuthorizer : IGuidanceAuthorizer
{
    public ValueTask<GuidanceAuthorization> AuthorizeAsync(GuidanceCaller caller, GuidanceActionKind action, string migrationId,
        CancellationToken cancellationToken = default) => ValueTask.FromResult(GuidanceAuthorization.Allow);
}
