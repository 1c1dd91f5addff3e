namespace Migration.Core.Agents;

/// <summary>Ids of the decisions the orchestrator raises (the plan's own decisions keep their ids).</summary>
public static class DecisionIds
{
    public const string PlanApproval = "plan-approval";
    public const string MigrationError = "migration-error";
}
