using Microsoft.Extensions.Logging;
using Migration.Postgres.Execution;
using Migration.Redis.Resilience;
using Npgsql;

namespace Migration.Agents.Orchestration;

/// <summary>
/// Seed L1 above the calls that have no retry of their own (the target's finishing steps, a row count, the
/// validation, a state write): when the driver stops on a transient failure of PostgreSQL or Redis (a server
/// restarting, a connection reset), it drives again from the checkpoints after a growing pause instead of failing
/// the migration. Every step it repeats is idempotent (checkpoints decide what is copied; the finishing steps and
/// the validation may run again). Up to <see cref="MaxTransientRedrives"/> in a row; a quiet spell resets the count.
/// </summary>
public sealed partial class OrchestratorGrain
{
    private const int MaxTransientRedrives = 8;
    private static readonly TimeSpan TransientRedriveBaseDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan TransientRedriveMaxDelay = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan TransientQuietSpell = TimeSpan.FromMinutes(5);
    private int _transientRedrives;
    private DateTimeOffset _lastTransientRedrive;

    /// <summary>Whether a failure of the driver is a transient infrastructure failure it may drive again after.</summary>
    private bool CanRedriveAfterTransient(Exception exception)
    {
        if (!IsTransientInfrastructure(exception))
        {
            return false;
        }

        if (clock.GetUtcNow() - _lastTransientRedrive > TransientQuietSpell)
        {
            _transientRedrives = 0;
        }

        return _transientRedrives < MaxTransientRedrives;
    }

    private async Task RedriveAfterTransientAsync(Exception exception, CancellationToken cancellationToken)
    {
        _transientRedrives++;
        _lastTransientRedrive = clock.GetUtcNow();
        var delay = TimeSpan.FromMilliseconds(Math.Min(
            TransientRedriveMaxDelay.TotalMilliseconds,
            TransientRedriveBaseDelay.TotalMilliseconds * Math.Pow(2, _transientRedrives - 1) * (0.75 + (Random.Shared.NextDouble() / 2))));
        LogTransientRedrive(logger, Id, _transientRedrives, (long)delay.TotalMilliseconds, exception.Message);
        foreach (var wait in _tableDone.Values)
        {
            wait.TrySetResult(false); // the waits of the stopped driver end; the next one joins the running agents
        }

        _tableDone.Clear();
        // Connections pooled before a PostgreSQL restart are dead: each would fail its next call once more.
        NpgsqlConnection.ClearAllPools();
        await Task.Delay(delay, clock, cancellationToken);
        await DriveAsync(cancellationToken);
    }

    private static bool IsTransientInfrastructure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException npgsql && TransientPostgresErrors.IsTransient(npgsql))
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransientInfrastructure))
            {
                return true;
            }
        }

        return TransientRedisErrors.IsTransientAnywhere(exception);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] the driver stopped on a transient failure ({Error}); driving again from the checkpoints in {DelayMs} ms (attempt {Attempt})")]
    private static partial void LogTransientRedrive(ILogger logger, string migrationId, int attempt, long delayMs, string error);
}
