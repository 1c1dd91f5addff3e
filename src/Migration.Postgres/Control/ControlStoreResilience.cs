using Microsoft.Extensions.Logging;
using Migration.Postgres.Execution;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Migration.Postgres.Control;

/// <summary>
/// Seed L1 for the control store: its calls are retried on transient failures (<see cref="TransientPostgresErrors"/>)
/// with exponential backoff and jitter, 5 attempts; after a lost connection the target's pool is emptied first.
/// Every call is idempotent (DDL IF NOT EXISTS, reads, upserts), so running one again is safe.
/// </summary>
internal sealed partial class ControlStoreResilience(NpgsqlDataSourceProvider dataSources, ILogger logger)
{
    private const int MaxAttempts = 5;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public Task ExecuteAsync(string connectionString, string operation, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, operation, async ct =>
        {
            await call(ct);
            return true;
        }, cancellationToken);

    public async Task<T> ExecuteAsync<T>(string connectionString, string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var pipeline = new ResiliencePipelineBuilder<T>()
            .AddRetry(new RetryStrategyOptions<T>
            {
                ShouldHandle = new PredicateBuilder<T>().Handle<NpgsqlException>(TransientPostgresErrors.IsTransient),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                OnRetry = args =>
                {
                    var exception = args.Outcome.Exception!;
                    if (TransientPostgresErrors.IsConnectionLoss(exception))
                    {
                        dataSources.Get(connectionString).Clear();
                    }

                    LogRetrying(logger, exception, operation, args.AttemptNumber + 1, (exception as PostgresException)?.SqlState, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        return await pipeline.ExecuteAsync(async token => await call(token), cancellationToken);
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Control store call ({Operation}) failed transiently (attempt {Attempt}, SQLSTATE {SqlState}); retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string operation, int attempt, string? sqlState, long delayMs);
}
