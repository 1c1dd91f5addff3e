using Migration.Core.Execution;
using Migration.Core.Migrations;

namespace Migration.UnitTests.Core.Migrations;

public sealed class ResourceLimitsTests
{
    [Fact]
    public void Validate_Defaults_HasNoProblems()
    {
        Assert.Empty(ResourceLimits.Default.Validate(2, BatchSettings.Default));
    }

    [Fact]
    public void Validate_EveryFieldOutOfRange_NamesEachField()
    {
        var limits = new ResourceLimits { MemoryPerAgentMb = 0, ConnectionPoolSize = 500, QueueMaxSize = 0 };
        var batch = BatchSettings.Default with { MinBatchSize = 0 };

        var fields = limits.Validate(65, batch).Select(p => p.Field).ToList();

        Assert.Equal(["max_concurrent_batches", "memory_per_agent_mb", "connection_pool_size", "queue_max_size", "batch.min_batch_size"], fields);
    }

    [Fact]
    public void Validate_PoolSmallerThanConcurrency_IsAProblemOfThePool()
    {
        var problems = new ResourceLimits { ConnectionPoolSize = 3 }.Validate(4, BatchSettings.Default);

        var problem = Assert.Single(problems);
        Assert.Equal("connection_pool_size", problem.Field);
        Assert.Contains("max_concurrent_batches", problem.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_OnlyGivenValues_ReplaceTheCurrentOnes()
    {
        var change = new ResourceLimitsChange { MaxBatchSize = 800, AdaptiveBatching = false, QueueMaxSize = 16 };
        var batch = BatchSettings.Default with { BaseBatchSize = 500, MinBatchSize = 100, MaxBatchSize = 1000 };

        var (concurrency, newBatch, limits) = change.ApplyTo(3, batch, ResourceLimits.Default);

        Assert.Equal(3, concurrency);
        Assert.Equal(batch with { MaxBatchSize = 800, Adaptive = false }, newBatch);
        Assert.Equal(ResourceLimits.Default with { QueueMaxSize = 16 }, limits);
        Assert.False(change.IsEmpty);
        Assert.True(new ResourceLimitsChange { Reason = "nothing" }.IsEmpty);
    }

    [Fact]
    public void Record_AdaptiveOff_KeepsThePageSizeButStillHalvesAfterAFailure()
    {
        var controller = new AdaptiveBatchController(BatchSettings.Default with { Adaptive = false }, 4_000);

        Assert.Equal(4_000, controller.Record(4_000, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(4_000, controller.Record(4_000, TimeSpan.FromSeconds(30)));
        Assert.Equal(2_000, controller.Halve());
    }
}
