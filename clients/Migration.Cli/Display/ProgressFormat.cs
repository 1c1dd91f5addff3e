using System.Globalization;

namespace Migration.Cli.Display;

/// <summary>Short human figures for progress output: counts, rates, durations and ETAs.</summary>
internal static class ProgressFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>"1,234,567".</summary>
    public static string Count(long value) => value.ToString("N0", Invariant);

    /// <summary>"950 rows/s", "12.3k rows/s", "1.25M rows/s"; "-" when unknown.</summary>
    public static string Rate(double rowsPerSecond)
    {
        if (double.IsNaN(rowsPerSecond) || double.IsInfinity(rowsPerSecond) || rowsPerSecond <= 0)
        {
            return "-";
        }

        return rowsPerSecond switch
        {
            < 1_000 => rowsPerSecond.ToString("0", Invariant) + " rows/s",
            < 100_000 => (rowsPerSecond / 1_000).ToString("0.0", Invariant) + "k rows/s",
            < 1_000_000 => (rowsPerSecond / 1_000).ToString("0", Invariant) + "k rows/s",
            _ => (rowsPerSecond / 1_000_000).ToString("0.00", Invariant) + "M rows/s",
        };
    }

    /// <summary>"42s", "3m05s", "1h02m", "2d03h"; "--" when unknown.</summary>
    public static string Eta(TimeSpan? remaining)
    {
        if (remaining is not { } value || value < TimeSpan.Zero || value.TotalDays >= 10_000)
        {
            return "--";
        }

        // Round up: "0s" left would claim it is done.
        var seconds = (long)Math.Ceiling(value.TotalSeconds);
        return seconds switch
        {
            < 60 => $"{seconds}s",
            < 3_600 => $"{seconds / 60}m{seconds % 60:00}s",
            < 86_400 => $"{seconds / 3_600}h{seconds % 3_600 / 60:00}m",
            _ => $"{seconds / 86_400}d{seconds % 86_400 / 3_600:00}h",
        };
    }

    /// <summary>An elapsed time: "850ms", "3.2s", "1m05s", "1h02m".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        if (duration.TotalSeconds < 1)
        {
            return ((long)duration.TotalMilliseconds).ToString(Invariant) + "ms";
        }

        if (duration.TotalSeconds < 60)
        {
            return duration.TotalSeconds.ToString("0.0", Invariant) + "s";
        }

        return Eta(duration);
    }

    /// <summary>"45.0%"; a value past the total (the total was an estimate) shows 100%.</summary>
    public static string Percent(long done, long total)
    {
        if (total <= 0)
        {
            return done > 0 ? "100.0%" : "0.0%";
        }

        var percent = Math.Clamp(done * 100.0 / total, 0, 100);
        return percent.ToString("0.0", Invariant) + "%";
    }

    /// <summary>Time left at the given rate; null when the rate is unknown.</summary>
    public static TimeSpan? Remaining(long done, long total, double rowsPerSecond)
    {
        if (rowsPerSecond <= 0 || double.IsNaN(rowsPerSecond) || double.IsInfinity(rowsPerSecond))
        {
            return null;
        }

        var left = Math.Max(0, total - done);
        return TimeSpan.FromSeconds(Math.Min(left / rowsPerSecond, TimeSpan.MaxValue.TotalSeconds / 2));
    }
}
