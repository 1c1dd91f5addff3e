using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Redis.Tests.Registry;

[Collection(RedisCollection.Name)]
public sealed class RegistryOnRedisTests(RedisServer server) : RegistryTests(server.ConnectionString);
