namespace Migration.Cli.Display;

/// <summary>
/// Rows per second over a sliding window of (time, cumulative rows) samples. Samples are stamped with the event's
/// own time, so replayed history gives the rate it had, not the speed of the replay.
/// </summary>
internal sealed class RateTracker(TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, long Rows)> _samples = new();
    private (DateTimeOffset At, long Rows) _last;

    public RateTracker()
        : this(TimeSpan.FromSeconds(10))
    {
    }

    public void Add(DateTimeOffset at, long cumulativeRows)
    {
        if (_samples.Count > 0 && at < _last.At)
        {
            at = _last.At;
        }

        _last = (at, cumulativeRows);
        _samples.Enqueue(_last);
        while (_samples.Count > 2 && at - _samples.Peek().At > window)
        {
            _samples.Dequeue();
        }
    }

    /// <summary>The rate over the window; null with fewer than two samples or no time between them.</summary>
    public double? RowsPerSecond
    {
        get
        {
            if (_samples.Count < 2)
            {
                return null;
            }

            var first = _samples.Peek();
            var last = _last;
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds <= 0.05 ? null : Math.Max(0, last.Rows - first.Rows) / seconds;
        }
    }

    public void Clear() => _samples.Clear();
}
