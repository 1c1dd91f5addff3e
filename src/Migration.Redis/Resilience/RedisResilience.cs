using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Migration.Redis.Resilience;

/// <summary>
/// Seed L1 for Redis: the stores' calls retried on transient failures (<see cref="TransientRedisErrors"/>) with
/// exponential backoff and jitter. StackExchange.Redis already reconnects by itself and holds commands issued while
/// it does (up to its timeout); this covers what outlasts that: a server restarting or loading its data, a timeout.
/// A call that is not idempotent (a list push, an append with a new sequence) is retried only when Redis surely did
/// not run it (no connection to send it on, or the server refused it while loading); an idempotent one (reads, sets,
/// scripts whose second run returns the first one's answer) on every transient failure.
/// </summary>
public sealed partial class RedisResilience
{
    public const int MaxAttempts = 6;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _idempotent;
    private readonly ResiliencePipeline _notIdempotent;

    public RedisResilience(ILogger<RedisResilience>? logger = null)
        : this(TimeSpan.FromMilliseconds(200), logger)
    {
    }

    public RedisResilience(TimeSpan baseDelay, ILogger<RedisResilience>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _idempotent = Build(TransientRedisErrors.IsTransient, baseDelay, "idempotent");
        _notIdempotent = Build(SurelyNotRun, baseDelay, "not idempotent");
    }

    /// <summary>Runs an idempotent call (a read, a set, an idempotent script) with retries.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken = default) =>
        _idempotent.ExecuteAsync(call, cancellationToken);

    /// <summary>Runs an idempotent call without a result with retries.</summary>
    public ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken = default) =>
        _idempotent.ExecuteAsync(call, cancellationToken);

    /// <summary>Runs a call that must not run twice: retried only when Redis surely did not run it.</summary>
    public ValueTask<T> ExecuteOnceAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken = default) =>
        _notIdempotent.ExecuteAsync(call, cancellationToken);

    /// <summary>True when the command never reached a server that could have run it.</summary>
    public static bool SurelyNotRun(Exception exception) => exception switch
    {
        RedisConnectionException connection => connection.FailureType is ConnectionFailureType.UnableToConnect
            or ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.Loading,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) ||
            server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal) ||
            server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal) ||
            server.Message.StartsWith("BUSY", StringComparison.Ordinal),
        _ => false,
    };

    private ResiliencePipeline Build(Func<Exception, bool> transient, TimeSpan baseDelay, string kind) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(transient),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay,
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    LogRetrying(_logger, args.Outcome.Exception, kind, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Redis call ({Kind}) failed transiently (attempt {Attempt}); retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, Exception? exception, string kind, int attempt, long delayMs);
}
