namespace Migration.Redis.Tests.Infrastructure;

/// <summary>Tests against one embedded Garnet server.</summary>
[CollectionDefinition(Name)]
public sealed class GarnetCollection : ICollectionFixture<GarnetFixture>
{
    public const string Name = "Garnet";
}
