using Migration.Redis.Tests.Infrastructure;

namespace Migration.Redis.Tests.Registry;

[Collection(GarnetCollection.Name)]
public sealed class RegistryOnGarnetTests(GarnetFixture garnet) : RegistryTests(garnet.ConnectionString);
