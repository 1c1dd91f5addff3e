namespace Migration.Server.Tests.Security;

[CollectionDefinition(Name)]
public sealed class SecuredServerCollection : ICollectionFixture<SecuredServerFixture>
{
    public const string Name = "secured-server";
}
