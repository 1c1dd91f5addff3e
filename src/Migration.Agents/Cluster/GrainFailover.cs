using Orleans.Runtime;

namespace Migration.Agents.Cluster;

/// <summary>
/// Grain calls that land in a cluster's failover gap: between a server dying (kill -9) and the survivors declaring it
/// dead, calls to grains it hosted fail (SiloUnavailableException, rejected messages, refused connections). Once it is
/// declared dead the same call activates the grain on a survivor, so such a call is retried with backoff for a while.
/// </summary>
public static class GrainFailover
{
    /// <summary>How long a call is retried by default: detection takes seconds (see the membership settings).</summary>
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(3);

    /// <summary>Whether <paramref name="exception"/> says the grain's silo is (becoming) unreachable, not that the call failed.</summary>
    public static bool IsFailover(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException => true,
        Orleans.Runtime.Messaging.ConnectionFailedException => true,
        AggregateException { InnerExceptions.Count: 1 } aggregate => IsFailover(aggregate.InnerExceptions[0]),
        _ => false,
    };

    /// <summary>Calls <paramref name="call"/>, retrying it while it fails with a failover error, for up to <paramref name="budget"/>.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, TimeProvider clock, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(clock);
        var deadline = clock.GetUtcNow() + (budget ?? DefaultBudget);
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (IsFailover(exception) && clock.GetUtcNow() + delay < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    /// <inheritdoc cref="CallAsync{T}"/>
    public static Task CallAsync(Func<Task> call, TimeProvider clock, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return CallAsync(async () =>
        {
            await call();
            return true;
        }, clock, cancellationToken, budget);
    }
}
