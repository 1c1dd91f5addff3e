using Migration.Core.Migrations;

namespace Migration.Core.Execution;

/// <summary>
/// The seed's adaptive sizing: a page slower than the threshold shrinks the next one by the adjustment factor,
/// a page well under it grows the next one, within [min, max]. Not thread-safe: one per table stream.
/// </summary>
public sealed class AdaptiveBatchController
{
    private readonly BatchSettings _settings;

    public AdaptiveBatchController(BatchSettings settings, int? initialSize = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        Current = Math.Clamp(initialSize ?? settings.BaseBatchSize, settings.MinBatchSize, settings.MaxBatchSize);
    }

    public int Current { get; private set; }

    /// <summary>Number of times the size changed (shown when someone asks why a table is slow).</summary>
    public int Adjustments { get; private set; }

    /// <summary>Records how long a page of <paramref name="rows"/> rows took and returns the next page size.</summary>
    public int Record(int rows, TimeSpan elapsed)
    {
        if (!_settings.Adaptive)
        {
            return Current;
        }

        var next = Current;
        if (elapsed > _settings.PerformanceThreshold)
        {
            next = (int)Math.Floor(Current * (1 - _settings.AdjustmentFactor));
        }
        else if (rows >= Current && elapsed < _settings.PerformanceThreshold / 2)
        {
            next = (int)Math.Ceiling(Current * (1 + _settings.AdjustmentFactor));
        }

        next = Math.Clamp(next, _settings.MinBatchSize, _settings.MaxBatchSize);
        if (next != Current)
        {
            Adjustments++;
            Current = next;
        }

        return Current;
    }

    /// <summary>Halves the page after a failure (seed L1: batch size reduction).</summary>
    public int Halve()
    {
        var next = Math.Max(_settings.MinBatchSize, Current / 2);
        if (next != Current)
        {
            Adjustments++;
            Current = next;
        }

        return Current;
    }
}
