using Microsoft.Extensions.Options;
using Migration.Testing;
using StackExchange.Redis;

namespace Migration.Redis.Tests.Infrastructure;

/// <summary>
/// Base of the store tests that run against both servers: each concrete class passes the server's connection string;
/// each test connects once and takes a key prefix of its own.
/// </summary>
public abstract class StoreTestBase(string connectionString) : IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    protected string ConnectionString => connectionString;

    protected IConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await ConnectionMultiplexer.ConnectAsync(connectionString);

    public async Task DisposeAsync() => await Redis.DisposeAsync();

    protected static IOptions<RedisOptions> NewOptions(string test, Action<RedisOptions>? configure = null)
    {
        var options = new RedisOptions { KeyPrefix = RedisServer.NewKeyPrefix(test) };
        configure?.Invoke(options);
        return Options.Create(options);
    }

    protected static string NewMigrationId() => Guid.NewGuid().ToString("N");
}
