using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Security;
using Migration.Core.Serialization;
using Migration.Redis.Resilience;
using StackExchange.Redis;

namespace Migration.Redis.Agents;

/// <summary>
/// Agent memory in Redis: per migration a list of messages (JSON, oldest first, the most recent
/// <see cref="RedisOptions.MaxMessagesPerMigration"/> kept) and a hash of facts keyed "agent:key". With an encryption
/// key configured, messages and fact values are stored encrypted (they quote plans, errors and sampled data).
/// </summary>
public sealed class RedisAgentMemory : IAgentMemory
{
    private const string PushCappedScript =
        """
        redis.call('RPUSH', KEYS[1], ARGV[1])
        redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly int _maxMessages;
    private readonly PayloadProtector? _protector;
    private readonly RedisResilience _resilience;

    public RedisAgentMemory(IConnectionMultiplexer redis, IOptions<RedisOptions> options, PayloadProtector? protector = null, RedisResilience? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _maxMessages = options.Value.MaxMessagesPerMigration;
        _protector = protector;
        _resilience = resilience ?? new RedisResilience();
    }

    public async Task RecordMessageAsync(string migrationId, AgentMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        var json = PayloadProtector.ProtectIfConfigured(_protector, JsonSerializer.Serialize(message, MigrationJson.Options), MessagesContext(migrationId));
        await _resilience.ExecuteOnceAsync(
            async _ => await _redis.GetDatabase().ScriptEvaluateAsync(PushCappedScript, [_keys.Messages(migrationId)], [json, _maxMessages]),
            cancellationToken);
    }

    public async Task<IReadOnlyList<AgentMessage>> RecentMessagesAsync(string migrationId, int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var values = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().ListRangeAsync(_keys.Messages(migrationId), -count, -1), cancellationToken);
        return [.. values.Select(v => JsonSerializer.Deserialize<AgentMessage>(
                PayloadProtector.UnprotectIfProtected(_protector, v.ToString(), MessagesContext(migrationId)), MigrationJson.Options)
            ?? throw new InvalidDataException($"An agent message of migration '{migrationId}' is empty."))];
    }

    public async Task RememberAsync(string migrationId, AgentId agent, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        var field = FactField(agent, key);
        var stored = PayloadProtector.ProtectIfConfigured(_protector, value, FactContext(migrationId, field));
        await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().HashSetAsync(_keys.Facts(migrationId), field, stored), cancellationToken);
    }

    public async Task<string?> RecallAsync(string migrationId, AgentId agent, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var field = FactField(agent, key);
        var value = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().HashGetAsync(_keys.Facts(migrationId), field), cancellationToken);
        return value.IsNull ? null : PayloadProtector.UnprotectIfProtected(_protector, value.ToString(), FactContext(migrationId, field));
    }

    private static string FactField(AgentId agent, string key) => $"{agent}:{key}";

    private static string MessagesContext(string migrationId) => "messages:" + migrationId;

    // A fact is bound to its field, so a value copied under another fact does not decrypt.
    private static string FactContext(string migrationId, string field) => $"facts:{migrationId}:{field}";
}
