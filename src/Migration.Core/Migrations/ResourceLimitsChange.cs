namespace Migration.Core.Migrations;

/// <summary>
/// A change of a paused migration's resource limits: each value given replaces the current one, null keeps it.
/// </summary>
public sealed record ResourceLimitsChange
{
    public int? MaxConcurrentBatches { get; init; }
    public int? BaseBatchSize { get; init; }
    public int? MinBatchSize { get; init; }
    public int? MaxBatchSize { get; init; }
    public double? AdjustmentFactor { get; init; }
    public TimeSpan? PerformanceThreshold { get; init; }
    public bool? AdaptiveBatching { get; init; }
    public int? MemoryPerAgentMb { get; init; }
    public int? ConnectionPoolSize { get; init; }
    public int? QueueMaxSize { get; init; }

    /// <summary>Who asks (kept in the decision history).</summary>
    public string RequestedBy { get; init; } = "";

    /// <summary>Why (kept in the decision history).</summary>
    public string Reason { get; init; } = "";

    /// <summary>Whether nothing would change.</summary>
    public bool IsEmpty => MaxConcurrentBatches is null && BaseBatchSize is null && MinBatchSize is null && MaxBatchSize is null
        && AdjustmentFactor is null && PerformanceThreshold is null && AdaptiveBatching is null && MemoryPerAgentMb is null
        && ConnectionPoolSize is null && QueueMaxSize is null;

    /// <summary>The values after this change.</summary>
    public (int MaxConcurrentBatches, BatchSettings Batch, ResourceLimits Limits) ApplyTo(int maxConcurrentBatches, BatchSettings batch, ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(limits);
        return (
            MaxConcurrentBatches ?? maxConcurrentBatches,
            batch with
            {
                BaseBatchSize = BaseBatchSize ?? batch.BaseBatchSize,
                MinBatchSize = MinBatchSize ?? batch.MinBatchSize,
                MaxBatchSize = MaxBatchSize ?? batch.MaxBatchSize,
                AdjustmentFactor = AdjustmentFactor ?? batch.AdjustmentFactor,
                PerformanceThreshold = PerformanceThreshold ?? batch.PerformanceThreshold,
                Adaptive = AdaptiveBatching ?? batch.Adaptive,
            },
            limits with
            {
                MemoryPerAgentMb = MemoryPerAgentMb ?? limits.MemoryPerAgentMb,
                ConnectionPoolSize = ConnectionPoolSize ?? limits.ConnectionPoolSize,
                QueueMaxSize = QueueMaxSize ?? limits.QueueMaxSize,
            });
    }
}
