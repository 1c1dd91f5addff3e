namespace Migration.Core.Planning;

public enum PlanProblemSeverity
{
    Info,
    Warning,

    /// <summary>Nothing is written while a blocking problem stands.</summary>
    Blocking,
}
