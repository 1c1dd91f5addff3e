using Migration.Redis.Events;
using Migration.Redis.Registry;
using Migration.Redis.Tests.Infrastructure;
using Migration.Core.Agents;
using Migration.Core.Events;

namespace Migration.Redis.Tests.Registry;

public abstract class RegistryTests(string connectionString) : StoreTestBase(connectionString)
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryRegisterAsync_PairHeldByUnfinishedMigration_ReturnsExistingWithoutRegistering()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(TryRegisterAsync_PairHeldByUnfinishedMigration_ReturnsExistingWithoutRegistering)));

        var first = await registry.TryRegisterAsync("m1", "src->dst", Start);
        var second = await registry.TryRegisterAsync("m2", "src->dst", Start.AddMinutes(1));

        Assert.True(first.Registered);
        Assert.Equal("m1", first.MigrationId);
        Assert.False(second.Registered);
        Assert.True(second.IsExisting);
        Assert.Equal("m1", second.MigrationId);
        Assert.Equal(["m1"], await registry.ListAsync(10));
        Assert.Equal(["m1"], await registry.UnfinishedAsync());
        Assert.Equal("m1", await registry.FindUnfinishedAsync("src->dst"));
    }

    [Fact]
    public async Task RegisterAsync_PairHeldByUnfinishedMigration_ThrowsNamingTheExistingOne()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(RegisterAsync_PairHeldByUnfinishedMigration_ThrowsNamingTheExistingOne)));
        await registry.RegisterAsync("m1", "src->dst", Start);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.RegisterAsync("m2", "src->dst", Start));

        Assert.Contains("'m1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAsync_SameIdAgain_IsNoOp()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(RegisterAsync_SameIdAgain_IsNoOp)));

        await registry.RegisterAsync("m1", "src->dst", Start);
        await registry.RegisterAsync("m1", "src->dst", Start.AddHours(1));

        Assert.Equal(["m1"], await registry.ListAsync(10));
        Assert.Equal(["m1"], await registry.UnfinishedAsync());
    }

    [Fact]
    public async Task MarkFinishedAsync_FreesPairAndLeavesUnfinished()
    {
        var options = NewOptions(nameof(MarkFinishedAsync_FreesPairAndLeavesUnfinished));
        var registry = new RedisMigrationRegistry(Redis, options);
        await registry.RegisterAsync("m1", "src->dst", Start);
        await registry.RegisterAsync("other", "a->b", Start.AddMinutes(5));

        await registry.MarkFinishedAsync("m1", "src->dst");
        var next = await registry.TryRegisterAsync("m2", "src->dst", Start.AddMinutes(10));

        Assert.True(next.Registered);
        Assert.Equal("m2", await registry.FindUnfinishedAsync("src->dst"));
        Assert.Equal(["other", "m2"], await registry.UnfinishedAsync());
        Assert.Equal(["m2", "other", "m1"], await registry.ListAsync(10));
        Assert.Equal(["m2", "other"], await registry.ListAsync(2));
    }

    [Fact]
    public async Task MarkFinishedAsync_OtherMigrationHoldsPair_LeavesPairAlone()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(MarkFinishedAsync_OtherMigrationHoldsPair_LeavesPairAlone)));
        await registry.RegisterAsync("m1", "src->dst", Start);

        await registry.MarkFinishedAsync("stale", "src->dst");

        Assert.Equal("m1", await registry.FindUnfinishedAsync("src->dst"));
    }

    [Fact]
    public async Task MarkFinishedAsync_EventLogExists_ExpiresItAfterRetention()
    {
        var options = NewOptions(nameof(MarkFinishedAsync_EventLogExists_ExpiresItAfterRetention), o => o.FinishedEventRetention = TimeSpan.FromDays(30));
        var registry = new RedisMigrationRegistry(Redis, options);
        var log = new RedisMigrationEventLog(Redis, options, TimeProvider.System);
        var id = NewMigrationId();
        await registry.RegisterAsync(id, "src->dst", Start);
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "done"));
        var keys = new RedisKeys(options.Value.KeyPrefix);
        Assert.Null(await Redis.GetDatabase().KeyTimeToLiveAsync(keys.Events(id)));

        await registry.MarkFinishedAsync(id, "src->dst");

        var ttl = await Redis.GetDatabase().KeyTimeToLiveAsync(keys.Events(id));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
        Assert.Single(await log.ReadAsync(id, 0, 10));
    }

    [Fact]
    public async Task TryRegisterAsync_ManyConcurrentClaimsOfOnePair_ExactlyOneRegisters()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(TryRegisterAsync_ManyConcurrentClaimsOfOnePair_ExactlyOneRegisters)));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => registry.TryRegisterAsync($"m{i}", "src->dst", Start.AddSeconds(i)))));

        var winner = Assert.Single(results, r => r.Registered);
        Assert.All(results, r => Assert.Equal(winner.MigrationId, r.MigrationId));
        Assert.Equal([winner.MigrationId], await registry.UnfinishedAsync());
        Assert.Equal([winner.MigrationId], await registry.ListAsync(100));
    }

    [Fact]
    public async Task TryRegisterAsync_PairClaimLeftWithoutRegistration_TreatsPairAsFree()
    {
        // What a process killed in the middle of a registration can leave behind on a store that persists a
        // script's writes one by one: the pair's claim without the registration.
        var options = NewOptions(nameof(TryRegisterAsync_PairClaimLeftWithoutRegistration_TreatsPairAsFree));
        var registry = new RedisMigrationRegistry(Redis, options);
        await Redis.GetDatabase().HashSetAsync(new RedisKeys(options.Value.KeyPrefix).Pairs, "src->dst", "half-registered");

        Assert.Null(await registry.FindUnfinishedAsync("src->dst"));
        var registration = await registry.TryRegisterAsync("m1", "src->dst", Start);

        Assert.True(registration.Registered);
        Assert.Equal("m1", await registry.FindUnfinishedAsync("src->dst"));
    }

    [Fact]
    public async Task FindUnfinishedAsync_UnknownPair_ReturnsNull()
    {
        var registry = new RedisMigrationRegistry(Redis, NewOptions(nameof(FindUnfinishedAsync_UnknownPair_ReturnsNull)));

        Assert.Null(await registry.FindUnfinishedAsync("nobody->nowhere"));
        Assert.Empty(await registry.UnfinishedAsync());
        Assert.Empty(await registry.ListAsync(10));
    }
}
