using Migration.Core.Migrations;

namespace Migration.UnitTests.Core.Migrations;

public sealed class BatchSettingsTests
{
    [Fact]
    public void Validate_Defaults_HaveNoProblems()
    {
        Assert.Empty(BatchSettings.Default.Validate());
        Assert.Empty(new BatchSettings().Validate());
    }

    [Fact]
    public void Validate_MinEqualsMaxEqualsBase_IsValid()
    {
        Assert.Empty(new BatchSettings { MinBatchSize = 500, BaseBatchSize = 500, MaxBatchSize = 500 }.Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_MinBelowOne_NamesMinBatchSize(int min)
    {
        var problems = (BatchSettings.Default with { MinBatchSize = min }).Validate();

        var (field, problem) = Assert.Single(problems);
        Assert.Equal(nameof(BatchSettings.MinBatchSize), field);
        Assert.Contains("at least 1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaxBelowMin_NamesMaxBatchSize()
    {
        var problems = new BatchSettings { MinBatchSize = 2_000, BaseBatchSize = 2_000, MaxBatchSize = 1_999 }.Validate();

        // The base then also lies outside [min, max].
        Assert.Contains(problems, p => p.Field == nameof(BatchSettings.MaxBatchSize));
        Assert.Contains(problems, p => p.Field == nameof(BatchSettings.BaseBatchSize));
        Assert.Equal(2, problems.Count);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(50_001)]
    public void Validate_BaseOutsideRange_NamesBaseBatchSize(int baseSize)
    {
        var (field, _) = Assert.Single((BatchSettings.Default with { BaseBatchSize = baseSize }).Validate());

        Assert.Equal(nameof(BatchSettings.BaseBatchSize), field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_FactorOutsideOpenUnitInterval_NamesAdjustmentFactor(double factor)
    {
        var (field, problem) = Assert.Single((BatchSettings.Default with { AdjustmentFactor = factor }).Validate());

        Assert.Equal(nameof(BatchSettings.AdjustmentFactor), field);
        Assert.Contains("less than 1", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.99)]
    public void Validate_FactorInsideOpenUnitInterval_IsValid(double factor)
    {
        Assert.Empty((BatchSettings.Default with { AdjustmentFactor = factor }).Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_ThresholdNotPositive_NamesPerformanceThreshold(int milliseconds)
    {
        var settings = BatchSettings.Default with { PerformanceThreshold = TimeSpan.FromMilliseconds(milliseconds) };

        var (field, _) = Assert.Single(settings.Validate());

        Assert.Equal(nameof(BatchSettings.PerformanceThreshold), field);
    }

    [Fact]
    public void Validate_EverythingWrong_ReportsEachField()
    {
        var settings = new BatchSettings
        {
            MinBatchSize = 0,
            MaxBatchSize = -1,
            BaseBatchSize = 10,
            AdjustmentFactor = 2,
            PerformanceThreshold = TimeSpan.Zero,
        };

        var fields = settings.Validate().Select(p => p.Field).ToList();

        Assert.Equal(
            [nameof(BatchSettings.MinBatchSize), nameof(BatchSettings.MaxBatchSize), nameof(BatchSettings.BaseBatchSize),
                nameof(BatchSettings.AdjustmentFactor), nameof(BatchSettings.PerformanceThreshold)],
            fields);
    }
}
