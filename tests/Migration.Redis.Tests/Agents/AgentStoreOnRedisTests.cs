using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Redis.Tests.Agents;

[Collection(RedisCollection.Name)]
public sealed class AgentStoreOnRedisTests(RedisServer server) : AgentStoreTests(server.ConnectionString);
