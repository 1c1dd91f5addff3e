using Migration.Cli.Display;

namespace Migration.UnitTests.Cli;

public sealed class ProgressFormatTests
{
    [Theory]
    [InlineData(0, "-")]
    [InlineData(-5, "-")]
    [InlineData(double.NaN, "-")]
    [InlineData(950, "950 rows/s")]
    [InlineData(12_345, "12.3k rows/s")]
    [InlineData(250_000, "250k rows/s")]
    [InlineData(1_250_000, "1.25M rows/s")]
    public void Rate_Value_FormatsWithUnit(double rate, string expected) => Assert.Equal(expected, ProgressFormat.Rate(rate));

    [Theory]
    [InlineData(0.2, "1s")]
    [InlineData(42, "42s")]
    [InlineData(185, "3m05s")]
    [InlineData(3_720, "1h02m")]
    [InlineData(183_600, "2d03h")]
    public void Eta_Seconds_RoundsUpToCompactText(double seconds, string expected) =>
        Assert.Equal(expected, ProgressFormat.Eta(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Eta_Unknown_ShowsDashes()
    {
        Assert.Equal("--", ProgressFormat.Eta(null));
        Assert.Equal("--", ProgressFormat.Eta(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Remaining_RowsLeftAtRate_IsTheirQuotient()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), ProgressFormat.Remaining(2_000, 12_000, 500));
        Assert.Equal(TimeSpan.Zero, ProgressFormat.Remaining(13_000, 12_000, 500));
        Assert.Null(ProgressFormat.Remaining(0, 12_000, 0));
    }

    [Theory]
    [InlineData(450, 1000, "45.0%")]
    [InlineData(1500, 1000, "100.0%")]
    [InlineData(0, 0, "0.0%")]
    [InlineData(10, 0, "100.0%")]
    public void Percent_DoneOfTotal_IsClamped(long done, long total, string expected) =>
        Assert.Equal(expected, ProgressFormat.Percent(done, total));

    [Theory]
    [InlineData(850, "850ms")]
    [InlineData(3_240, "3.2s")]
    [InlineData(65_000, "1m05s")]
    public void Duration_Elapsed_FormatsBySize(int milliseconds, string expected) =>
        Assert.Equal(expected, ProgressFormat.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Count_Large_UsesThousandsSeparators() => Assert.Equal("1,234,567", ProgressFormat.Count(1_234_567));

    [Fact]
    public void RateTracker_SamplesOverWindow_UsesOnlyRecentOnes()
    {
        var tracker = new RateTracker(TimeSpan.FromSeconds(10));
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Null(tracker.RowsPerSecond);
        tracker.Add(start, 0);
        tracker.Add(start.AddSeconds(10), 100_000);
        Assert.Equal(10_000, tracker.RowsPerSecond);
        // A slower stretch: the old fast samples leave the window.
        tracker.Add(start.AddSeconds(20), 110_000);
        tracker.Add(start.AddSeconds(30), 120_000);
        Assert.Equal(1_000, tracker.RowsPerSecond);
    }
}
