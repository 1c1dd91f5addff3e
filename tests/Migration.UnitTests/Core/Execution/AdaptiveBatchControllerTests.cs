using Migration.Core.Execution;
using Migration.Core.Migrations;

namespace Migration.UnitTests.Core.Execution;

public sealed class AdaptiveBatchControllerTests
{
    // Defaults: base 10,000, min 1,000, max 50,000, factor 0.25, threshold 2 s.
    private static readonly BatchSettings Settings = BatchSettings.Default;
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(3);

    [Fact]
    public void Constructor_NoInitialSize_StartsAtBase()
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(10_000, controller.Current);
        Assert.Equal(0, controller.Adjustments);
    }

    [Theory]
    [InlineData(3_355, 3_355)]
    [InlineData(10, 1_000)]
    [InlineData(1_000_000, 50_000)]
    public void Constructor_InitialSize_IsClampedToMinAndMax(int initial, int expected)
    {
        Assert.Equal(expected, new AdaptiveBatchController(Settings, initial).Current);
    }

    [Fact]
    public void Constructor_NullSettings_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new AdaptiveBatchController(null!));
    }

    [Fact]
    public void Record_FullPageWellUnderThreshold_GrowsByFactor()
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(12_500, controller.Record(10_000, Fast));
        Assert.Equal(12_500, controller.Current);
        Assert.Equal(1, controller.Adjustments);
    }

    [Fact]
    public void Record_ShortPage_DoesNotGrow()
    {
        // The last page of a table is short and fast; that says nothing about bigger pages.
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(10_000, controller.Record(9_999, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(0, controller.Adjustments);
    }

    [Theory]
    [InlineData(1_000)] // exactly half the threshold is not "well under"
    [InlineData(1_500)]
    [InlineData(2_000)] // exactly the threshold is not "slower than"
    public void Record_BetweenHalfAndThreshold_KeepsTheSize(int milliseconds)
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(10_000, controller.Record(10_000, TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal(0, controller.Adjustments);
    }

    [Fact]
    public void Record_SlowerThanThreshold_ShrinksByFactor()
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(7_500, controller.Record(10_000, TimeSpan.FromMilliseconds(2_001)));
        Assert.Equal(1, controller.Adjustments);
    }

    [Fact]
    public void Record_SlowShortPage_StillShrinks()
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(7_500, controller.Record(10, Slow));
    }

    [Fact]
    public void Record_GrowingPastMax_StopsAtMax()
    {
        var controller = new AdaptiveBatchController(Settings, 45_000);

        Assert.Equal(50_000, controller.Record(45_000, Fast));
        Assert.Equal(50_000, controller.Record(50_000, Fast));
        Assert.Equal(1, controller.Adjustments);
    }

    [Fact]
    public void Record_ShrinkingPastMin_StopsAtMin()
    {
        var controller = new AdaptiveBatchController(Settings, 1_200);

        Assert.Equal(1_000, controller.Record(1_200, Slow));
        Assert.Equal(1_000, controller.Record(1_000, Slow));
        Assert.Equal(1, controller.Adjustments);
    }

    [Fact]
    public void Record_TinySizes_StillMoveByAtLeastOneRow()
    {
        var settings = new BatchSettings { MinBatchSize = 1, BaseBatchSize = 1, MaxBatchSize = 10 };
        var controller = new AdaptiveBatchController(settings);

        Assert.Equal(2, controller.Record(1, Fast)); // ceil(1.25)
        Assert.Equal(3, controller.Record(2, Fast)); // ceil(2.5)
        Assert.Equal(2, controller.Record(3, Slow)); // floor(2.25)
        Assert.Equal(1, controller.Record(2, Slow)); // floor(1.5)
        Assert.Equal(1, controller.Record(1, Slow)); // floor(0.75) → min
        Assert.Equal(4, controller.Adjustments);
    }

    [Fact]
    public void Record_CustomFactorAndThreshold_AreUsed()
    {
        var settings = BatchSettings.Default with { AdjustmentFactor = 0.5, PerformanceThreshold = TimeSpan.FromMilliseconds(100) };
        var controller = new AdaptiveBatchController(settings);

        Assert.Equal(15_000, controller.Record(10_000, TimeSpan.FromMilliseconds(40)));
        Assert.Equal(7_500, controller.Record(15_000, TimeSpan.FromMilliseconds(101)));
    }

    [Fact]
    public void Record_MixedSequence_CountsEveryChange()
    {
        var controller = new AdaptiveBatchController(Settings);

        controller.Record(10_000, Fast); // 12,500
        controller.Record(12_500, TimeSpan.FromSeconds(1.5)); // unchanged
        controller.Record(12_500, Slow); // 9,375
        controller.Record(9_375, Fast); // 11,719

        Assert.Equal(11_719, controller.Current);
        Assert.Equal(3, controller.Adjustments);
    }

    [Fact]
    public void Halve_RepeatedFailures_HalvesDownToMin()
    {
        var controller = new AdaptiveBatchController(Settings);

        Assert.Equal(5_000, controller.Halve());
        Assert.Equal(2_500, controller.Halve());
        Assert.Equal(1_250, controller.Halve());
        Assert.Equal(1_000, controller.Halve());
        Assert.Equal(1_000, controller.Halve());
        Assert.Equal(4, controller.Adjustments);
    }

    [Fact]
    public void Halve_ThenFastFullPage_GrowsAgain()
    {
        var controller = new AdaptiveBatchController(Settings);
        controller.Halve();

        Assert.Equal(6_250, controller.Record(5_000, Fast));
        Assert.Equal(2, controller.Adjustments);
    }
}
