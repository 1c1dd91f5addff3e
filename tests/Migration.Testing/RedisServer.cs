using StackExchange.Redis;
using Testcontainers.Redis;

namespace Migration.Testing;

/// <summary>
/// A real Redis server for a test run: the one tests/run.sh started (MIGRATION_TEST_REDIS = "host:port"), or a
/// Testcontainers container when a Docker engine is available. Tests isolate themselves with <see cref="NewKeyPrefix"/>.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "MIGRATION_TEST_REDIS";

    private RedisContainer? _container;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }

        if (!DockerAvailability.IsAvailable())
        {
            throw new InvalidOperationException(
                $"No Redis for the tests: set {EnvironmentVariable} to host:port, run tests/run.sh (it starts one), " +
                "or run with a Docker engine for Testcontainers.");
        }

        _container = new RedisBuilder("redis:7").Build();
        await _container.StartAsync();
        ConnectionString = _container.GetConnectionString();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public static string NewKeyPrefix(string test) => $"test:{test}:{Guid.NewGuid():N}:";
}
