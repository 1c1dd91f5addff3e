using Migration.Core.Migrations;

namespace Migration.Guidance.Answers;

/// <summary>What a confirmed action did.</summary>
public sealed record ActionResult(GuidanceActionKind Kind, bool Succeeded, string Message, MigrationSnapshot? Migration)
{
    /// <summary>True when the caller's roles did not allow the action (nothing was attempted).</summary>
    public bool Denied { get; init; }
}
