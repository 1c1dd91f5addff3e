namespace Migration.Core.Agents;

/// <summary>The kinds of decision gates (seed: L3 user decisions).</summary>
public enum DecisionGate
{
    PlanApproval,
    ForeignKeys,
    SchemaMismatch,
    MigrationError,
    MissingParents,
    Orphans,
}
