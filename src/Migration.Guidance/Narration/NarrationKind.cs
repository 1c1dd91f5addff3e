namespace Migration.Guidance.Narration;

public enum NarrationKind
{
    PhaseChanged,
    Milestone,
    TableCompleted,
    Slowdown,
    Warning,
    Error,
    Validation,
}
