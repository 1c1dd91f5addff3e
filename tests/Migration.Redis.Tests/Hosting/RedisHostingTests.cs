using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Redis.Embedded;
using Migration.Redis.Tests.Infrastructure;
using Migration.Testing;
using StackExchange.Redis;

namespace Migration.Redis.Tests.Hosting;

[Collection(RedisCollection.Name)]
public sealed class RedisHostingTests(RedisServer server) : IDisposable
{
    private readonly string _root = TestDirectories.Create("hosting");

    public void Dispose() => TestDirectories.Delete(_root);

    [Fact]
    public async Task AddMigrationRedis_NoConnectionString_StartsEmbeddedStoreWhoseDataSurvivesRestart()
    {
        var settings = new Dictionary<string, string?> { ["Redis:Embedded:DataDirectory"] = "store" };
        var id = Guid.NewGuid().ToString("N");
        var logs = new CollectingLoggerProvider();

        var first = TestHosts.Build(_root, settings, logs: logs);
        await first.StartAsync();
        var info = first.Get<RedisConnectionInfo>();
        var garnet = first.Get<EmbeddedGarnetServer>();
        await first.Get<IMigrationEventLog>().AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "before restart"));
        await first.Get<IMigrationRegistry>().RegisterAsync(id, "src->dst", DateTimeOffset.UtcNow);
        await TestHosts.StopAsync(first);

        Assert.True(info.IsEmbedded);
        Assert.Equal(Path.Combine(_root, "store"), garnet.DataDirectory);
        Assert.Contains(logs.Messages, m => m.StartsWith($"Using embedded Redis-compatible store (Garnet) at {info.ConnectionString}, data in {garnet.DataDirectory}", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Garnet.", StringComparison.Ordinal) && e.Level < Microsoft.Extensions.Logging.LogLevel.Warning);

        var second = TestHosts.Build(_root, settings);
        await second.StartAsync();
        try
        {
            var events = await second.Get<IMigrationEventLog>().ReadAsync(id, 0, 10);
            Assert.Equal("before restart", ((WarningPayload)Assert.Single(events).Payload).Message);
            Assert.Equal(id, await second.Get<IMigrationRegistry>().FindUnfinishedAsync("src->dst"));
            Assert.Equal(2, (await second.Get<IMigrationEventLog>().AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "after"))).Sequence);
        }
        finally
        {
            await TestHosts.StopAsync(second);
        }
    }

    [Fact]
    public async Task AddMigrationRedis_ConnectionString_UsesConfiguredRedisAndLogsEndpoint()
    {
        var logs = new CollectingLoggerProvider();
        var host = TestHosts.Build(_root, new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = server.ConnectionString,
            ["Redis:KeyPrefix"] = RedisServer.NewKeyPrefix(nameof(AddMigrationRedis_ConnectionString_UsesConfiguredRedisAndLogsEndpoint)),
        }, logs: logs);
        await host.StartAsync();
        try
        {
            var info = host.Get<RedisConnectionInfo>();
            Assert.False(info.IsEmbedded);
            Assert.Null(host.Services.GetService(typeof(EmbeddedGarnetServer)));
            Assert.Contains(logs.Messages, m => m == $"Using Redis at {info.Description}");
            Assert.False(Directory.Exists(Path.Combine(_root, ".data")));

            var id = Guid.NewGuid().ToString("N");
            await host.Get<IAgentMemory>().RememberAsync(id, AgentId.Planning, "k", "v");
            Assert.Equal("v", await host.Get<IAgentMemory>().RecallAsync(id, AgentId.Planning, "k"));
            Assert.True(host.Get<IConnectionMultiplexer>().IsConnected);
        }
        finally
        {
            await TestHosts.StopAsync(host);
        }
    }

    [Fact]
    public void ForConfigured_ConnectionStringWithPassword_DescribesEndpointsOnly()
    {
        var info = RedisConnectionInfo.ForConfigured("redis.internal:6380,password=s3cr3t-value,ssl=true");

        Assert.Equal("redis.internal:6380", info.Description);
        Assert.DoesNotContain("s3cr3t", info.ToString(), StringComparison.Ordinal);
        Assert.False(info.IsEmbedded);
    }

    [Theory]
    [InlineData("Redis:Embedded:Port", "70000", "Redis:Embedded:Port")]
    [InlineData("Redis:Embedded:LogMemory", "lots", "Redis:Embedded:LogMemory")]
    [InlineData("Redis:KeyPrefix", " ", "Redis:KeyPrefix")]
    [InlineData("Redis:ConnectionString", "password=only-a-secret", "Redis:ConnectionString")]
    public void AddMigrationRedis_InvalidSetting_ThrowsNamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => TestHosts.Build(_root, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("only-a-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_DataDirectoryInUse_ThrowsClearError()
    {
        var directory = Path.Combine(_root, "shared");
        using var first = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(), directory);

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(), directory));

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("Redis:Embedded:DataDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ConfiguredPort_ListensThere()
    {
        var port = TestHosts.FreePort();
        using var garnet = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions { Port = port }, Path.Combine(_root, "port"));
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");

        Assert.Equal(port, garnet.Port);
        Assert.Equal($"127.0.0.1:{port}", garnet.ConnectionString);
        Assert.Equal("PONG", (await connection.GetDatabase().ExecuteAsync("PING")).ToString());
    }
}
