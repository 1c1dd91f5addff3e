using Xunit.Abstractions;

namespace Migration.Redis.Tests.Orleans;

/// <summary>Localhost clustering on the embedded store, both hosts on one data directory.</summary>
public sealed class AgentRuntimeOnGarnetTests(ITestOutputHelper output) : AgentRuntimeTests(output)
{
    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Redis:Embedded:DataDirectory"] = Path.Combine(Root, "store"),
    };
}
