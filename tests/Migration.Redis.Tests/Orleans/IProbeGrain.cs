using Migration.Core.Agents;

namespace Migration.Redis.Tests.Orleans;

/// <summary>A grain with persistent state (holding a Core type, serialized as JSON) and a reminder.</summary>
public interface IProbeGrain : IGrainWithStringKey
{
    Task SaveAsync(string value, AgentMessage message);

    Task<ProbeSnapshot> ReadAsync();

    Task RegisterReminderAsync(TimeSpan dueTime);

    Task<bool> HasReminderAsync();
}
