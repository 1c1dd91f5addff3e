using Migration.Core.Agents;

namespace Migration.Redis.Tests.Orleans;

[GenerateSerializer]
public sealed record ProbeSnapshot(
    [property: Id(0)] string? Value,
    [property: Id(1)] AgentMessage? Message,
    [property: Id(2)] int Ticks);
