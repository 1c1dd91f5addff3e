namespace Migration.Core.Agents;

/// <summary>Operation names of <see cref="ErrorContext"/> that the orchestrator's escalation recognises.</summary>
public static class ErrorOperations
{
    /// <summary>A table set aside more bad rows than its error budget allows (L1 exhausted → L2/L3).</summary>
    public const string BadRowBudget = "isolate bad rows";
}
