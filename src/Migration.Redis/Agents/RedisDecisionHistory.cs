using System.Text.Json;
using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Serialization;
using StackExchange.Redis;

namespace Migration.Redis.Agents;

/// <summary>Decision history in Redis: per migration a list of decision records (JSON), oldest first, never trimmed.</summary>
public sealed class RedisDecisionHistory : IDecisionHistory
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;

    public RedisDecisionHistory(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
    }

    public async Task RecordAsync(string migrationId, DecisionRecord decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        cancellationToken.ThrowIfCancellationRequested();
        await _redis.GetDatabase().ListRightPushAsync(_keys.Decisions(migrationId), JsonSerializer.Serialize(decision, MigrationJson.Options));
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListAsync(string migrationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _redis.GetDatabase().ListRangeAsync(_keys.Decisions(migrationId));
        return [.. values.Select(v => JsonSerializer.Deserialize<DecisionRecord>(v.ToString(), MigrationJson.Options)
            ?? throw new InvalidDataException($"A decision record of migration '{migrationId}' is empty."))];
    }
}
