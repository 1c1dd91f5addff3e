namespace Migration.Guidance.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class GuidanceCollection : ICollectionFixture<GuidanceFixture>
{
    public const string Name = "guidance";
}
