using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Security;
using Migration.Core.Serialization;
using Migration.Redis;
using StackExchange.Redis;

namespace Migration.Guidance.Conversations;

/// <summary>
/// Conversations in Redis: "{prefix}guidance:{id}:meta" (JSON of the record) and "{prefix}guidance:{id}:turns" (list
/// of turn JSON, oldest first, capped). Both expire after the configured idle time, renewed on every write. Turns (the
/// questions and the answers, which can quote data) are encrypted when an encryption key is configured.
/// </summary>
public sealed class RedisConversationStore(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<GuidanceOptions> options,
    PayloadProtector? protector = null) : IConversationStore
{
    private readonly string _prefix = redisOptions.Value.KeyPrefix + "guidance:";

    public async Task<ConversationRecord?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var value = await redis.GetDatabase().StringGetAsync(Meta(conversationId));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ConversationRecord>(value.ToString(), MigrationJson.Options);
    }

    public async Task SaveAsync(ConversationRecord conversation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        await db.StringSetAsync(Meta(conversation.Id), JsonSerializer.Serialize(conversation, MigrationJson.Options), options.Value.ConversationTtl);
        await db.KeyExpireAsync(Turns(conversation.Id), options.Value.ConversationTtl);
    }

    public async Task AppendAsync(string conversationId, ConversationTurn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase();
        var key = Turns(conversationId);
        await db.ListRightPushAsync(key, PayloadProtector.ProtectIfConfigured(protector, JsonSerializer.Serialize(turn, MigrationJson.Options), TurnContext(conversationId)));
        await db.ListTrimAsync(key, -options.Value.MaxTurns, -1);
        await db.KeyExpireAsync(key, options.Value.ConversationTtl);
    }

    public async Task<IReadOnlyList<ConversationTurn>> TurnsAsync(string conversationId, int? count = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await redis.GetDatabase().ListRangeAsync(Turns(conversationId), count is { } n ? -n : 0, -1);
        return [.. values.Select(v => JsonSerializer.Deserialize<ConversationTurn>(
                PayloadProtector.UnprotectIfProtected(protector, v.ToString(), TurnContext(conversationId)), MigrationJson.Options)
            ?? throw new InvalidDataException($"A turn of conversation '{conversationId}' is empty."))];
    }

    private static string TurnContext(string conversationId) => "conversation:" + conversationId;

    private string Meta(string id) => $"{_prefix}{{{id}}}:meta";

    private string Turns(string id) => $"{_prefix}{{{id}}}:turns";
}
