namespace Migration.Redis;

/// <summary>
/// The "Redis" configuration section: which Redis to use (none configured = the embedded Garnet store), how keys are
/// prefixed and how much of each migration's data is kept.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string ("host:port,password=…"). Empty: start the embedded
    /// Redis-compatible store (Garnet) in-process.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every key this service writes (the Orleans keys are separated by the service id).</summary>
    public string KeyPrefix { get; set; } = "migration:";

    /// <summary>The embedded store, used when <see cref="ConnectionString"/> is empty.</summary>
    public EmbeddedGarnetOptions Embedded { get; set; } = new();

    /// <summary>
    /// Most recent events kept per migration for replay (older ones are trimmed as new ones are appended; sequence
    /// numbers never restart).
    /// </summary>
    public int MaxEventsPerMigration { get; set; } = 100_000;

    /// <summary>Most recent agent messages kept per migration in agent memory.</summary>
    public int MaxMessagesPerMigration { get; set; } = 10_000;

    /// <summary>
    /// How long the event log of a finished migration is kept for replay after it is marked finished; its agent
    /// memory and decision history are kept without expiry.
    /// </summary>
    public TimeSpan FinishedEventRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>True when no Redis is configured and the embedded store is used.</summary>
    public bool UsesEmbeddedStore => string.IsNullOrWhiteSpace(ConnectionString);
}
