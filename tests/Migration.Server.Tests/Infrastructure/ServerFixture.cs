namespace Migration.Server.Tests.Infrastructure;

/// <summary>
/// A server on the zero-setup default (embedded Garnet store, localhost clustering) shared by the end-to-end tests,
/// with a named connection configured so tests can refer to databases by name.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private InProcessServer? _server;

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Connections:unreachable"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Password=secret-unreachable-pw",
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
