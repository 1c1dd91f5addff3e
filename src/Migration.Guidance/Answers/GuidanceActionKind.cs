namespace Migration.Guidance.Answers;

/// <summary>Actions a conversation can ask for; each is confirmed first and carried out by the orchestrator.</summary>
public enum GuidanceActionKind
{
    Pause,
    Resume,
    ApprovePlan,
    Cancel,
    AnswerDecision,

    /// <summary>"Safely returning to the previous state": removes what the migration wrote to the target (admin only).</summary>
    Rollback,
}
