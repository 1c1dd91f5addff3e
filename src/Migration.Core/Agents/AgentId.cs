namespace Migration.Core.Agents;

/// <summary>The agents of the seed's responsibility matrix.</summary>
public enum AgentId
{
    Orchestrator,
    SchemaAnalysis,
    Planning,
    DataMapping,
    MigrationExecution,
    Validation,
    UserGuidance,
    User,
}
