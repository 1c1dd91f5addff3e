using Migration.Redis.Tests.Infrastructure;

namespace Migration.Redis.Tests.Events;

[Collection(GarnetCollection.Name)]
public sealed class EventLogOnGarnetTests(GarnetFixture garnet) : EventLogTests(garnet.ConnectionString);
