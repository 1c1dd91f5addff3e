using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Redis.Resilience;
using StackExchange.Redis;

namespace Migration.Redis.Registry;

/// <summary>
/// The registry in Redis: a sorted set of every id by creation time, a set of the unfinished ids and a hash from
/// source/target pair to its unfinished migration. Claiming a pair and registering happen in one script, so two
/// servers starting a migration of the same pair at once end with one migration, and the other attaches to it.
/// Finishing frees the pair and puts an expiry of <see cref="RedisOptions.FinishedEventRetention"/> on the
/// migration's event log. The pair hash is written last and trusted only for ids still in the unfinished set: Garnet's
/// append-only file records a script's writes one by one, so a process killed mid-script may keep some of them, and a
/// claim without its registration must not block the pair.
/// </summary>
public sealed class RedisMigrationRegistry : IMigrationRegistry
{
    // Returns the id that holds the pair afterwards: ARGV[1] when it was free (or already ours).
    private const string RegisterScript =
        """
        local holder = redis.call('HGET', KEYS[3], ARGV[2])
        if holder and holder ~= ARGV[1] and redis.call('SISMEMBER', KEYS[2], holder) == 1 then
          return holder
        end
        redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
        return ARGV[1]
        """;

    private const string FinishScript =
        """
        local removed = redis.call('SREM', KEYS[1], ARGV[1])
        if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then
          redis.call('HDEL', KEYS[2], ARGV[2])
        end
        return removed
        """;

    private const string FindScript =
        """
        local holder = redis.call('HGET', KEYS[2], ARGV[1])
        if holder and redis.call('SISMEMBER', KEYS[1], holder) == 1 then
          return holder
        end
        return false
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _eventRetention;
    private readonly RedisResilience _resilience;

    public RedisMigrationRegistry(IConnectionMultiplexer redis, IOptions<RedisOptions> options, RedisResilience? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _eventRetention = options.Value.FinishedEventRetention;
        _resilience = resilience ?? new RedisResilience();
    }

    public async Task RegisterAsync(string migrationId, string pairKey, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        var registration = await TryRegisterAsync(migrationId, pairKey, createdAt, cancellationToken);
        if (!registration.Registered)
        {
            throw new InvalidOperationException(
                $"Cannot register migration '{migrationId}': migration '{registration.MigrationId}' into the same target " +
                "from the same source is not finished yet. Attach to it, or cancel it first.");
        }
    }

    public async Task<MigrationRegistration> TryRegisterAsync(string migrationId, string pairKey, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(pairKey);
        cancellationToken.ThrowIfCancellationRequested();
        // Idempotent: run again after it took, the script finds this id as the holder and answers it again.
        var holder = (string?)await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().ScriptEvaluateAsync(
                RegisterScript,
                [_keys.Migrations, _keys.Unfinished, _keys.Pairs],
                [migrationId, pairKey, createdAt.ToUnixTimeMilliseconds()]),
            cancellationToken);
        return holder == migrationId
            ? new MigrationRegistration(migrationId, Registered: true)
            : new MigrationRegistration(holder ?? throw new InvalidDataException("The registry script returned no id."), Registered: false);
    }

    public async Task MarkFinishedAsync(string migrationId, string pairKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(pairKey);
        cancellationToken.ThrowIfCancellationRequested();
        var database = _redis.GetDatabase();
        await _resilience.ExecuteAsync(
            async _ => await database.ScriptEvaluateAsync(FinishScript, [_keys.Unfinished, _keys.Pairs], [migrationId, pairKey]), cancellationToken);

        // The event log of a finished migration is only kept for replay for a while; memory and decisions stay.
        await _resilience.ExecuteAsync(async _ => await database.KeyExpireAsync(_keys.Events(migrationId), _eventRetention), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var ids = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().SortedSetRangeByRankAsync(_keys.Migrations, 0, max - 1, Order.Descending), cancellationToken);
        return [.. ids.Select(id => id.ToString())];
    }

    /// <summary>The unfinished ids, oldest first.</summary>
    public async Task<IReadOnlyList<string>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = _redis.GetDatabase();
        var ids = await _resilience.ExecuteAsync(async _ => await database.SetMembersAsync(_keys.Unfinished), cancellationToken);
        if (ids.Length == 0)
        {
            return [];
        }

        var created = await _resilience.ExecuteAsync(async _ => await database.SortedSetScoresAsync(_keys.Migrations, ids), cancellationToken);
        return [.. ids
            .Select((id, i) => (Id: id.ToString(), Created: created[i] ?? double.MaxValue))
            .OrderBy(x => x.Created)
            .ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => x.Id)];
    }

    public async Task<string?> FindUnfinishedAsync(string pairKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pairKey);
        cancellationToken.ThrowIfCancellationRequested();
        var holder = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().ScriptEvaluateAsync(FindScript, [_keys.Unfinished, _keys.Pairs], [pairKey]), cancellationToken);
        return holder.IsNull ? null : (string?)holder;
    }
}
