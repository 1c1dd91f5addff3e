using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Serialization;
using StackExchange.Redis;

namespace Migration.Redis.Agents;

/// <summary>
/// Agent memory in Redis: per migration a list of messages (JSON, oldest first, the most recent
/// <see cref="RedisOptions.MaxMessagesPerMigration"/> kept) and a hash of facts keyed "agent:key".
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

    public RedisAgentMemory(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _maxMessages = options.Value.MaxMessagesPerMigration;
    }

    public async Task RecordMessageAsync(string migrationId, AgentMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.Serialize(message, MigrationJson.Options);
        await _redis.GetDatabase().ScriptEvaluateAsync(PushCappedScript, [_keys.Messages(migrationId)], [json, _maxMessages]);
    }

    public async Task<IReadOnlyList<AgentMessage>> RecentMessagesAsync(string migrationId, int count, CancellationToken cancellationToken = default)
    {
        if (count <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var values = await _redis.GetDatabase().ListRangeAsync(_keys.Messages(migrationId), -count, -1);
        return [.. values.Select(v => JsonSerializer.Deserialize<AgentMessage>(v.ToString(), MigrationJson.Options)
            ?? throw new InvalidDataException($"An agent message of migration '{migrationId}' is empty."))];
    }

    public async Task RememberAsync(string migrationId, AgentId agent, string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        await _redis.GetDatabase().HashSetAsync(_keys.Facts(migrationId), FactField(agent, key), value);
    }

    public async Task<string?> RecallAsync(string migrationId, AgentId agent, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var value = await _redis.GetDatabase().HashGetAsync(_keys.Facts(migrationId), FactField(agent, key));
        return value.IsNull ? null : value.ToString();
    }

    private static string FactField(AgentId agent, string key) => $"{agent}:{key}";
}
