using Migration.Guidance.Answers;

namespace Migration.Guidance.Abstractions;

/// <summary>
/// The one place where a chat action (pause, resume, approve, cancel, answer a decision) is checked against the
/// caller's role before the orchestrator is asked to do it. The default allows everything; the server's security
/// layer replaces it (registered with TryAdd, so any earlier registration wins).
/// </summary>
public interface IGuidanceAuthorizer
{
    ValueTask<GuidanceAuthorization> AuthorizeAsync(GuidanceCaller caller, GuidanceActionKind action, string migrationId,
        CancellationToken cancellationToken = default);
}
