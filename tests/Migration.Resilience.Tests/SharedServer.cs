using Migration.Testing;

namespace Migration.Resilience.Tests;

/// <summary>One server process (embedded store) for the fault tests that do not stop or reconfigure it.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("the server is not started");

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
