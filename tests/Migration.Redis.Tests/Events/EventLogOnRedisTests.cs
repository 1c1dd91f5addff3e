using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Redis.Tests.Events;

[Collection(RedisCollection.Name)]
public sealed class EventLogOnRedisTests(RedisServer server) : EventLogTests(server.ConnectionString);
