using Migration.Testing;

namespace Migration.Server.Tests.Infrastructure;

/// <summary>One PostgreSQL, one Redis and one in-process server for the end-to-end tests; each test uses its own databases.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<PostgresServer>, ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
