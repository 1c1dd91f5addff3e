using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Serialization;
using Migration.Guidance.Conversations;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Redis;
using Migration.Testing;
using StackExchange.Redis;

namespace Migration.Guidance.Tests.Conversations;

/// <summary>
/// Where conversations live in Redis (real Redis): under the key prefix of the migration they are attached to, with the
/// configured time to live renewed on every write; a conversation of the earlier layout is still read, and moved.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class ConversationKeysTests(GuidanceFixture fixture)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(7);

    private static RedisConversationStore Store(IConnectionMultiplexer redis, string prefix) =>
        new(redis, Options.Create(new RedisOptions { KeyPrefix = prefix }), Options.Create(new GuidanceOptions { ConversationTtl = Ttl }));

    private static void AssertTtl(TimeSpan? ttl, TimeSpan expected, string key)
    {
        Assert.True(ttl is { } t && t <= expected && t > expected - TimeSpan.FromMinutes(1), $"{key}: time to live {ttl}, expected about {expected}");
    }

    [Fact]
    public async Task SaveAndAppend_Conversation_KeysUnderTheMigrationPrefixWithTheConfiguredTtl()
    {
        await using var redis = await fixture.Redis.ConnectAsync();
        var prefix = RedisServer.NewKeyPrefix("conversation-keys");
        var store = Store(redis, prefix);
        var conversation = new ConversationRecord("c0nv1", "mig-keys", DateTimeOffset.UtcNow, ConversationContext.Empty);

        await store.SaveAsync(conversation);
        await store.AppendAsync(conversation.Id, new ConversationTurn(ConversationRole.User, "how far along are we?", DateTimeOffset.UtcNow, "rita", null));
        await store.AppendAsync(conversation.Id, new ConversationTurn(ConversationRole.Assistant, "Half way.", DateTimeOffset.UtcNow, null, "status"));

        var db = redis.GetDatabase();
        var keys = redis.GetServers()[0].Keys(pattern: prefix + "*").Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([prefix + "guidance:c0nv1:migration", prefix + "{mig-keys}:guidance:c0nv1:meta", prefix + "{mig-keys}:guidance:c0nv1:turns"], keys);
        foreach (var key in keys)
        {
            AssertTtl(await db.KeyTimeToLiveAsync(key), Ttl, key);
        }

        Assert.Equal("mig-keys", (await store.GetAsync("c0nv1"))!.MigrationId);
        Assert.Equal(["how far along are we?", "Half way."], (await store.TurnsAsync("c0nv1")).Select(t => t.Text));
        Assert.Null(await store.GetAsync("no-such-conversation"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AppendAsync("no-such-conversation",
            new ConversationTurn(ConversationRole.User, "hello?", DateTimeOffset.UtcNow, null, null)));
    }

    [Fact]
    public async Task Get_ConversationInTheEarlierLayout_IsReadAndMovedUnderTheMigrationPrefix()
    {
        await using var redis = await fixture.Redis.ConnectAsync();
        var prefix = RedisServer.NewKeyPrefix("conversation-legacy");
        var db = redis.GetDatabase();
        var old = new ConversationRecord("0ldc0nv", "mig-old", DateTimeOffset.UtcNow, new ConversationContext("Status", "public.orders", null));
        var legacyMeta = prefix + "guidance:{0ldc0nv}:meta";
        var legacyTurns = prefix + "guidance:{0ldc0nv}:turns";
        await db.StringSetAsync(legacyMeta, JsonSerializer.Serialize(old, MigrationJson.Options), TimeSpan.FromMinutes(5));
        await db.ListRightPushAsync(legacyTurns, JsonSerializer.Serialize(
            new ConversationTurn(ConversationRole.User, "and orders?", DateTimeOffset.UtcNow, "sam", null), MigrationJson.Options));
        await db.KeyExpireAsync(legacyTurns, TimeSpan.FromMinutes(5));
        var store = Store(redis, prefix);

        var read = await store.GetAsync("0ldc0nv");
        var turns = await store.TurnsAsync("0ldc0nv");

        Assert.Equal(old, read);
        Assert.Equal("and orders?", Assert.Single(turns).Text);
        Assert.False(await db.KeyExistsAsync(legacyMeta));
        Assert.False(await db.KeyExistsAsync(legacyTurns));
        AssertTtl(await db.KeyTimeToLiveAsync(prefix + "{mig-old}:guidance:0ldc0nv:meta"), TimeSpan.FromMinutes(5), "meta");
        AssertTtl(await db.KeyTimeToLiveAsync(prefix + "{mig-old}:guidance:0ldc0nv:turns"), TimeSpan.FromMinutes(5), "turns");
        await store.AppendAsync("0ldc0nv", new ConversationTurn(ConversationRole.Assistant, "Orders are done.", DateTimeOffset.UtcNow, null, "table_status"));
        Assert.Equal(2, (await store.TurnsAsync("0ldc0nv")).Count);
        AssertTtl(await db.KeyTimeToLiveAsync(prefix + "{mig-old}:guidance:0ldc0nv:turns"), Ttl, "turns after a write");
    }

    [Fact]
    public async Task Ask_ThroughTheServer_ConversationIsKeptUnderTheMigrationPrefixForTheConfiguredTime()
    {
        var chat = new Chat(fixture.Guidance, fixture.CompletedId, user: "tom");
        await chat.AskAsync("is my data safe?");

        await using var redis = await fixture.Redis.ConnectAsync();
        var turns = $"{fixture.KeyPrefix}{{{fixture.CompletedId}}}:guidance:{chat.ConversationId}:turns";
        Assert.Equal(2, await redis.GetDatabase().ListLengthAsync(turns));
        AssertTtl(await redis.GetDatabase().KeyTimeToLiveAsync(turns), GuidanceFixture.ConversationTtl, turns);
        var conversation = await fixture.Guidance.GetConversationAsync(new Contracts.V1.GetConversationRequest { ConversationId = chat.ConversationId });
        Assert.Equal(fixture.CompletedId, conversation.MigrationId);
    }
}
