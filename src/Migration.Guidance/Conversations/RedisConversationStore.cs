using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Security;
using Migration.Core.Serialization;
using Migration.Redis;
using StackExchange.Redis;

namespace Migration.Guidance.Conversations;

/// <summary>
/// Conversations in Redis, under the key prefix of the migration they are attached to (hash tag "{migrationId}", like
/// the migration's events, memory and decisions): "{prefix}{migrationId}:guidance:{id}:meta" (JSON of the record) and
/// "{prefix}{migrationId}:guidance:{id}:turns" (list of turn JSON, oldest first, capped), plus the lookup
/// "{prefix}guidance:{id}:migration" (the migration id) for a conversation asked for by its id alone. All three expire
/// after <see cref="GuidanceOptions.ConversationTtl"/> without a write, renewed on every write. Turns (the questions
/// and the answers, which can quote data) are encrypted when an encryption key is configured. A conversation stored
/// under the earlier layout ("{prefix}guidance:{id}:meta" / ":turns") is moved to this one when it is first read.
/// </summary>
public sealed class RedisConversationStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<GuidanceOptions> options,
    PayloadProtector? protector = null) : IConversationStore
{
    private readonly string _prefix = redisOptions.Value.KeyPrefix;

    public async Task<ConversationRecord?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var migrationId = await db.StringGetAsync(Lookup(conversationId));
        if (!migrationId.IsNullOrEmpty)
        {
            var value = await db.StringGetAsync(Meta(migrationId.ToString(), conversationId));
            return value.IsNullOrEmpty ? null : Deserialize(value);
        }

        return await MoveLegacyAsync(db, conversationId);
    }

    public async Task SaveAsync(ConversationRecord conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var ttl = options.Value.ConversationTtl;
        await db.StringSetAsync(Lookup(conversation.Id), conversation.MigrationId, ttl);
        await db.StringSetAsync(Meta(conversation.MigrationId, conversation.Id), JsonSerializer.Serialize(conversation, MigrationJson.Options), ttl);
        await db.KeyExpireAsync(Turns(conversation.MigrationId, conversation.Id), ttl);
    }

    public async Task AppendAsync(string conversationId, ConversationTurn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var migrationId = await MigrationOfAsync(db, conversationId);
        var ttl = options.Value.ConversationTtl;
        var key = Turns(migrationId, conversationId);
        await db.ListRightPushAsync(key, PayloadProtector.ProtectIfConfigured(protector, JsonSerializer.Serialize(turn, MigrationJson.Options), TurnContext(conversationId)));
        await db.ListTrimAsync(key, -options.Value.MaxTurns, -1);
        await db.KeyExpireAsync(key, ttl);
        await db.KeyExpireAsync(Meta(migrationId, conversationId), ttl);
        await db.KeyExpireAsync(Lookup(conversationId), ttl);
    }

    public async Task<IReadOnlyList<ConversationTurn>> TurnsAsync(string conversationId, int? count = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var migrationId = await MigrationOfAsync(db, conversationId);
        var values = await db.ListRangeAsync(Turns(migrationId, conversationId), count is { } n ? -n : 0, -1);
        return [.. values.Select(v => JsonSerializer.Deserialize<ConversationTurn>(
                PayloadProtector.UnprotectIfProtected(protector, v.ToString(), TurnContext(conversationId)), MigrationJson.Options)
            ?? throw new InvalidDataException($"A turn of conversation '{conversationId}' is empty."))];
    }

    /// <summary>The migration a conversation belongs to (KeyNotFoundException when there is no such conversation).</summary>
    private async Task<string> MigrationOfAsync(IDatabase db, string conversationId)
    {
        var migrationId = await db.StringGetAsync(Lookup(conversationId));
        if (!migrationId.IsNullOrEmpty)
        {
            return migrationId.ToString();
        }

        return (await MoveLegacyAsync(db, conversationId))?.MigrationId ?? throw new KeyNotFoundException($"No conversation with id '{conversationId}'.");
    }

    /// <summary>Moves a conversation of the earlier layout (keys per conversation) under its migration's prefix; null when there is none.</summary>
    private async Task<ConversationRecord?> MoveLegacyAsync(IDatabase db, string conversationId)
    {
        var legacyMeta = $"{_prefix}guidance:{{{conversationId}}}:meta";
        var legacyTurns = $"{_prefix}guidance:{{{conversationId}}}:turns";
        var value = await db.StringGetAsync(legacyMeta);
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        var conversation = Deserialize(value);
        var ttl = await db.KeyTimeToLiveAsync(legacyMeta) ?? options.Value.ConversationTtl;
        var turns = await db.ListRangeAsync(legacyTurns);
        var key = Turns(conversation.MigrationId, conversation.Id);
        if (turns.Length > 0)
        {
            await db.KeyDeleteAsync(key);
            await db.ListRightPushAsync(key, turns);
            await db.KeyExpireAsync(key, ttl);
        }

        await db.StringSetAsync(Meta(conversation.MigrationId, conversation.Id), value, ttl);
        await db.StringSetAsync(Lookup(conversation.Id), conversation.MigrationId, ttl);
        await db.KeyDeleteAsync([legacyMeta, legacyTurns]);
        return conversation;
    }

    private static ConversationRecord Deserialize(RedisValue value) =>
        JsonSerializer.Deserialize<ConversationRecord>(value.ToString(), MigrationJson.Options)
        ?? throw new InvalidDataException("A stored conversation is empty.");

    private static string TurnContext(string conversationId) => "conversation:" + conversationId;

    private string Lookup(string conversationId) => $"{_prefix}guidance:{conversationId}:migration";

    private string Meta(string migrationId, string conversationId) => $"{_prefix}{{{migrationId}}}:guidance:{conversationId}:meta";

    private string Turns(string migrationId, string conversationId) => $"{_prefix}{{{migrationId}}}:guidance:{conversationId}:turns";
}
