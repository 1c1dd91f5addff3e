using Migration.Testing;

namespace Migration.Resilience.Tests;

[CollectionDefinition(Name)]
public sealed class ResilienceCollection : ICollectionFixture<PostgresServer>, ICollectionFixture<RedisServer>
{
    public const string Name = "resilience";
}
