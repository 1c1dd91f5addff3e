using Migration.Core.Agents;
using Migration.Redis.Agents;
using Migration.Redis.Tests.Infrastructure;

namespace Migration.Redis.Tests.Agents;

public abstract class AgentStoreTests(string connectionString) : StoreTestBase(connectionString)
{
    [Fact]
    public async Task RecentMessagesAsync_AfterRecording_ReturnsMostRecentOldestFirst()
    {
        var memory = new RedisAgentMemory(Redis, NewOptions(nameof(RecentMessagesAsync_AfterRecording_ReturnsMostRecentOldestFirst)));
        var id = NewMigrationId();
        var messages = Enumerable.Range(1, 4).Select(i => AgentMessage.Create("corr-1", AgentId.Orchestrator, AgentId.Planning,
            AgentMessageType.TaskDelegation, $"{{\"step\":{i}}}", MessagePriority.High, requiresResponse: true, timeout: TimeSpan.FromSeconds(30))).ToList();
        foreach (var message in messages)
        {
            await memory.RecordMessageAsync(id, message);
        }

        var recent = await memory.RecentMessagesAsync(id, 2);

        Assert.Equal(messages.Skip(2), recent);
        Assert.Equal(messages, await memory.RecentMessagesAsync(id, 100));
        Assert.Empty(await memory.RecentMessagesAsync(id, 0));
        Assert.Empty(await memory.RecentMessagesAsync(NewMigrationId(), 10));
    }

    [Fact]
    public async Task RecordMessageAsync_BeyondCap_KeepsMostRecent()
    {
        var memory = new RedisAgentMemory(Redis, NewOptions(nameof(RecordMessageAsync_BeyondCap_KeepsMostRecent), o => o.MaxMessagesPerMigration = 3));
        var id = NewMigrationId();
        var messages = Enumerable.Range(1, 5).Select(i => AgentMessage.Create("c", AgentId.Validation, AgentId.Orchestrator,
            AgentMessageType.StatusUpdate, $"m{i}")).ToList();
        foreach (var message in messages)
        {
            await memory.RecordMessageAsync(id, message);
        }

        Assert.Equal(["m3", "m4", "m5"], (await memory.RecentMessagesAsync(id, 10)).Select(m => m.Payload));
    }

    [Fact]
    public async Task RecallAsync_AfterRemember_ReturnsValuePerAgent()
    {
        var memory = new RedisAgentMemory(Redis, NewOptions(nameof(RecallAsync_AfterRemember_ReturnsValuePerAgent)));
        var id = NewMigrationId();

        await memory.RememberAsync(id, AgentId.Planning, "cycle", "store<->staff");
        await memory.RememberAsync(id, AgentId.DataMapping, "cycle", "none");
        await memory.RememberAsync(id, AgentId.Planning, "cycle", "store<->staff, deferred");

        Assert.Equal("store<->staff, deferred", await memory.RecallAsync(id, AgentId.Planning, "cycle"));
        Assert.Equal("none", await memory.RecallAsync(id, AgentId.DataMapping, "cycle"));
        Assert.Null(await memory.RecallAsync(id, AgentId.Validation, "cycle"));
        Assert.Null(await memory.RecallAsync(NewMigrationId(), AgentId.Planning, "cycle"));
    }

    [Fact]
    public async Task ListAsync_AfterRecording_ReturnsDecisionsOldestFirst()
    {
        var history = new RedisDecisionHistory(Redis, NewOptions(nameof(ListAsync_AfterRecording_ReturnsDecisionsOldestFirst)));
        var id = NewMigrationId();
        var first = new DecisionRecord("d1", "Approve the plan?", ["approve", "reject"], "low", "approve", "approve", "owner@example.com",
            new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.FromHours(1)), "looks right");
        var second = new DecisionRecord("d2", "Orphaned orders: what now?", ["quarantine", "skip", "abort"], "medium", "quarantine", "quarantine",
            "owner@example.com", new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), "keep them for review");

        await history.RecordAsync(id, first);
        await history.RecordAsync(id, second);
        var list = await history.ListAsync(id);

        Assert.Equal(2, list.Count);
        AssertSame(first, list[0]);
        AssertSame(second, list[1]);
        Assert.Empty(await history.ListAsync(NewMigrationId()));
    }

    private static void AssertSame(DecisionRecord expected, DecisionRecord actual)
    {
        Assert.Equal(expected.Options, actual.Options);
        Assert.Equal(expected with { Options = actual.Options }, actual);
    }
}
