using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Redis;
using Migration.Redis.Agents;
using Migration.Redis.Events;
using Migration.Redis.Resilience;
using Migration.Testing;
using StackExchange.Redis;

namespace Migration.Resilience.Tests;

/// <summary>
/// Seed L1 for Redis against a real redis-server of the test's own: a store call made while the server is down
/// (the client configured to fail fast rather than hold commands) is retried with backoff until the server is back,
/// and lands once.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class RedisResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AppendAndRemember_ServerDownThenBack_RetriedAndStoredOnce()
    {
        await using var redis = await RedisProcess.StartAsync();
        var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = 500;
        configuration.AsyncTimeout = 500;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var logger = new RetryCounter();
        var resilience = new RedisResilience(TimeSpan.FromMilliseconds(300), logger);
        var options = Options.Create(new RedisOptions { KeyPrefix = RedisServer.NewKeyPrefix("resilience") });
        var events = new RedisMigrationEventLog(connection, options, TimeProvider.System, resilience: resilience);
        var memory = new RedisAgentMemory(connection, options, resilience: resilience);
        await events.AppendAsync("m1", AgentId.Orchestrator, new PhaseChangedPayload(MigrationPhase.Created, MigrationPhase.Execution, "before"));

        await redis.StopAsync();
        // Issued once the client knows the server is gone: a call caught on the dropping connection may have run and is,
        // rightly, not retried when it cannot be run twice (the append); one issued now surely did not reach Redis.
        await WaitFor.ConditionAsync(() => Task.FromResult(!connection.IsConnected), Timeout, "the client to see the server gone");
        var append = events.AppendAsync("m1", AgentId.Orchestrator, new PhaseChangedPayload(MigrationPhase.Execution, MigrationPhase.Validation, "during"));
        var remember = memory.RememberAsync("m1", AgentId.Orchestrator, "fact", "kept");
        await WaitFor.ConditionAsync(() => Task.FromResult(logger.Retries >= 2), Timeout, "the calls to fail and be retried");
        Assert.False(append.IsCompleted);
        await redis.StartAgainAsync();

        Assert.Equal(2L, (await append).Sequence);
        await remember;
        var stored = await events.ReadAsync("m1", 0, 10);
        Assert.Equal(["before", "during"], stored.Select(e => ((PhaseChangedPayload)e.Payload).Reason).ToArray());
        Assert.Equal("kept", await memory.RecallAsync("m1", AgentId.Orchestrator, "fact"));
    }

    private sealed class RetryCounter : ILogger<RedisResilience>
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public int Retries => _messages.Count;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 3101)
            {
                _messages.Enqueue(formatter(state, exception));
            }
        }
    }
}
