using Migration.Testing;

namespace Migration.Redis.Tests.Infrastructure;

/// <summary>Tests against the real Redis server of the run (redis-server 7).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "Redis";
}
