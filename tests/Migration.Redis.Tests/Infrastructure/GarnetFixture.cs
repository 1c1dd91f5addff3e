using Migration.Redis.Embedded;

namespace Migration.Redis.Tests.Infrastructure;

/// <summary>An embedded Garnet server on a free port and a temporary data directory, shared by a test collection.</summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = TestDirectories.Create("garnet-fixture");

    public EmbeddedGarnetServer Server { get; private set; } = null!;

    public string ConnectionString => Server.ConnectionString;

    public Task InitializeAsync()
    {
        Server = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(), DataDirectory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        TestDirectories.Delete(DataDirectory);
        return Task.CompletedTask;
    }
}
