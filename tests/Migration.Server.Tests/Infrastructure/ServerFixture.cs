namespace Migration.Server.Tests.Infrastructure;

/// <summary>
/// A server on the zero-setup default (embedded Garnet store, localhost clustering) shared by the end-to-end tests,
/// with named connections configured so tests can refer to databases by name: "unreachable", and two read from secret
/// files in <see cref="SecretsDirectory"/> that the tests write ("from-files": connection string and password files;
/// "whole-file": a connection string file).
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private InProcessServer? _server;

    public string SecretsDirectory { get; } = Path.Combine(Path.GetTempPath(), "migration-server-secrets", Guid.NewGuid().ToString("N"));

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(SecretsDirectory);
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Connections:unreachable"] = "Host=127.0.0.1;Port=1;Database=nowhere;Username=nobody;Password=secret-unreachable-pw",
            ["Connections:from-files:ConnectionStringFile"] = Path.Combine(SecretsDirectory, "from-files.connection"),
            ["Connections:from-files:PasswordFile"] = Path.Combine(SecretsDirectory, "from-files.password"),
            ["Connections:whole-file:ConnectionStringFile"] = Path.Combine(SecretsDirectory, "whole-file.connection"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(SecretsDirectory, recursive: true);
    }
}
