namespace Migration.UnitTests.Cli;

/// <summary>
/// A clock for tests: time moves only when told, and a timer fires at once, moving the clock by its due time, so
/// backoff delays take no real time while their length is still accounted for.
/// </summary>
internal sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _timers = [];
    private DateTimeOffset _now = start;

    public TestClock()
        : this(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>The due times of every timer created (the watcher's backoff delays).</summary>
    public IReadOnlyList<TimeSpan> Timers
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            _timers.Add(dueTime);
            _now += dueTime;
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
