namespace Migration.Guidance.Answers;

public enum GuidanceEngineKind
{
    Deterministic,
    Model,
}
