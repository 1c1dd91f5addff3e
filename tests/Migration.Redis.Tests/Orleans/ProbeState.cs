using Migration.Core.Agents;

namespace Migration.Redis.Tests.Orleans;

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)] public string? Value { get; set; }

    [Id(1)] public AgentMessage? Message { get; set; }

    [Id(2)] public int Ticks { get; set; }
}
