using Migration.Redis.Tests.Infrastructure;

namespace Migration.Redis.Tests.Agents;

[Collection(GarnetCollection.Name)]
public sealed class AgentStoreOnGarnetTests(GarnetFixture garnet) : AgentStoreTests(garnet.ConnectionString);
