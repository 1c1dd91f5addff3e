using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;
using Xunit.Abstractions;

namespace Migration.Redis.Tests.Orleans;

/// <summary>Redis clustering, storage and reminders on the real Redis server, isolated by a service id of its own.</summary>
[Collection(RedisCollection.Name)]
public sealed class AgentRuntimeOnRedisTests(RedisServer server, ITestOutputHelper output) : AgentRuntimeTests(output)
{
    private readonly string _serviceId = $"test-{Guid.NewGuid():N}";

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Redis:ConnectionString"] = server.ConnectionString,
        ["Redis:KeyPrefix"] = RedisServer.NewKeyPrefix("agents"),
        ["Orleans:ServiceId"] = _serviceId,
        ["Orleans:ClusterId"] = _serviceId,
        ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
    };
}
