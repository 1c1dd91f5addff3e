namespace Migration.Core.Agents;

public enum AgentMessageType
{
    TaskDelegation,
    StatusUpdate,
    ErrorReport,
    DataRequest,
}
