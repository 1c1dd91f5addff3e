using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Security;
using Migration.Core.Serialization;
using Migration.Redis.Resilience;
using StackExchange.Redis;

namespace Migration.Redis.Events;

/// <summary>
/// The event log in Redis: per migration one sorted set scored by sequence. One script reads the highest sequence,
/// adds the event with the next one, trims the oldest beyond <see cref="RedisOptions.MaxEventsPerMigration"/> and
/// publishes the new sequence. Scripts run atomically (Redis; Garnet in Lua transaction mode), so concurrent appends
/// get gap-free sequences and a reader that sees sequence n also sees every event before it. The sequence lives in
/// the sorted set itself rather than in a counter beside it: Garnet's append-only file records a script's writes one
/// by one, and a process killed between a counter's INCR and the ZADD left a sequence that no event ever had.
/// Watchers wait on the migration's channel (one shared subscription per migration). With an encryption key configured
/// each event is stored encrypted (events carry table names, error messages and sampled values).
/// </summary>
public sealed class RedisMigrationEventLog : IMigrationEventLog
{
    private const string AppendScript =
        """
        local last = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        local sequence = 1
        if last[2] then
          sequence = math.floor(tonumber(last[2])) + 1
        end
        redis.call('ZADD', KEYS[1], sequence, sequence .. '|' .. ARGV[1])
        local keep = tonumber(ARGV[2])
        if sequence > keep then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', sequence - keep)
        end
        redis.call('PUBLISH', ARGV[3], sequence)
        return sequence
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly int _maxEvents;
    private readonly TimeProvider _clock;
    private readonly EventNotifications _notifications;
    private readonly PayloadProtector? _protector;
    private readonly RedisResilience _resilience;

    public RedisMigrationEventLog(
        IConnectionMultiplexer redis,
        IOptions<RedisOptions> options,
        TimeProvider clock,
        ILogger<RedisMigrationEventLog>? logger = null,
        PayloadProtector? protector = null,
        RedisResilience? resilience = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _redis = redis;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _maxEvents = options.Value.MaxEventsPerMigration;
        _clock = clock;
        _notifications = new EventNotifications(redis, (ILogger?)logger ?? NullLogger.Instance);
        _protector = protector;
        _resilience = resilience ?? new RedisResilience();
    }

    public async Task<MigrationEvent> AppendAsync(string migrationId, AgentId agent, EventPayload payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        cancellationToken.ThrowIfCancellationRequested();
        var occurredAt = _clock.GetUtcNow();
        var json = PayloadProtector.ProtectIfConfigured(
            _protector, JsonSerializer.Serialize(new StoredEvent(occurredAt, agent, payload), MigrationJson.Options), Context(migrationId));
        // Not idempotent (a second run appends the event again): retried only when Redis surely did not run it.
        var result = await _resilience.ExecuteOnceAsync(
            async _ => await _redis.GetDatabase().ScriptEvaluateAsync(
                AppendScript,
                [_keys.Events(migrationId)],
                [json, _maxEvents, _keys.EventChannel(migrationId)]),
            cancellationToken);
        return new MigrationEvent(migrationId, (long)result, occurredAt, agent, payload);
    }

    public async Task<IReadOnlyList<MigrationEvent>> ReadAsync(string migrationId, long afterSequence, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        if (max <= 0)
        {
            return [];
        }

        cancellationToken.ThrowIfCancellationRequested();
        var entries = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().SortedSetRangeByScoreWithScoresAsync(
                _keys.Events(migrationId), afterSequence, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, max),
            cancellationToken);
        var events = new List<MigrationEvent>(entries.Length);
        foreach (var entry in entries)
        {
            events.Add(Parse(migrationId, (long)entry.Score, entry.Element.ToString(), _protector));
        }

        return events;
    }

    public Task WaitForEventsAsync(string migrationId, long afterSequence, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        return _notifications.WaitAsync(_keys.EventChannel(migrationId), afterSequence, ct => LastSequenceAsync(migrationId, ct), timeout, cancellationToken);
    }

    public async Task<long> LastSequenceAsync(string migrationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var last = await _resilience.ExecuteAsync(
            async _ => await _redis.GetDatabase().SortedSetRangeByRankWithScoresAsync(_keys.Events(migrationId), 0, 0, Order.Descending),
            cancellationToken);
        return last.Length == 0 ? 0 : (long)last[0].Score;
    }

    private static string Context(string migrationId) => "events:" + migrationId;

    /// <summary>The member is "sequence|json" (json encrypted when a key is configured): the sequence prefix only keeps equal events distinct.</summary>
    private static MigrationEvent Parse(string migrationId, long sequence, string member, PayloadProtector? protector)
    {
        var separator = member.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new InvalidDataException($"Event {sequence} of migration '{migrationId}' is not in the expected \"sequence|json\" form.");
        }

        var json = PayloadProtector.UnprotectIfProtected(protector, member[(separator + 1)..], Context(migrationId));
        var stored = JsonSerializer.Deserialize<StoredEvent>(json, MigrationJson.Options)
            ?? throw new InvalidDataException($"Event {sequence} of migration '{migrationId}' is empty.");
        return new MigrationEvent(migrationId, sequence, stored.OccurredAt, stored.Agent, stored.Payload);
    }
}
