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
/// Decision history in Redis: per migration a list of decision records (JSON), oldest first, never trimmed; encrypted
/// when an encryption key is configured (a decision can quote the data that raised it).
/// </summary>
public sealed class RedisDecisionHistory : IDecisionHistory
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly PayloadProtector? _protector;
    private readonly RedisResilience _resilience;

    public RedisDecisionHistory(IConnectionMultiplexer redis, IOptions<RedisOptions> options, PayloadProtector? protector = null, RedisResilience? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _protector = protector;
        _resilience = resilience ?? new RedisResilience();
    }

    public async Task RecordAsync(string migrationId, DecisionRecord decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        cancellationToken.ThrowIfCancellationRequested();
        var stored = PayloadProtector.ProtectIfConfigured(_protector, JsonSerializer.Serialize(decision, MigrationJson.Options), Context(migrationId));
        await _resilience.ExecuteOnceAsync(
            async _ => await _redis.GetDatabase().ListRightPushAsync(_keys.Decisions(migrationId), stored), cancellationToken);
    }

    public async Task<IReadOnlyList<DecisionRecord>> ListAsync(string migrationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().ListRangeAsync(_keys.Decisions(migrationId)), cancellationToken);
        return [.. values.Select(v => JsonSerializer.Deserialize<DecisionRecord>(
                PayloadProtector.UnprotectIfProtected(_protector, v.ToString(), Context(migrationId)), MigrationJson.Options)
            ?? throw new InvalidDataException($"A decision record of migration '{migrationId}' is empty."))];
    }

    private static string Context(string migrationId) => "decisions:" + migrationId;
}
