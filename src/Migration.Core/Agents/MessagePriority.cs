namespace Migration.Core.Agents;

public enum MessagePriority
{
    Low,
    Medium,
    High,
    Critical,
}
