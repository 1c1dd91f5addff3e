namespace Migration.Testing;

/// <summary>Awaits a condition with a timeout instead of sleeping a fixed time.</summary>
public static class WaitFor
{
    public static async Task<T> ConditionAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        using var cts = new CancellationTokenSource(timeout);
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last value: {value}");
            }

            await Task.Delay(delay, CancellationToken.None);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Awaits <paramref name="condition"/> becoming true, polling with a growing delay (20 ms to 500 ms).</summary>
    public static Task ConditionAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ConditionAsync(condition, static done => done, timeout, what);
}
