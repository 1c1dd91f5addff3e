namespace Migration.Core.Migrations;

/// <summary>
/// The seed's adaptive batching knobs. Defaults are chosen for binary COPY on this class of machine
/// (bench/copy-paths/RESULTS.md): every page is a durable commit with its checkpoint and validation, so pages under
/// 10k rows cost clearly more (2k-row pages: ~1.5-1.9x the client CPU of 25k-50k pages); 25k and 50k pages cost the
/// same, and memory does not grow with the page size (both write paths stream). Pages start at 10k and grow to 50k
/// while they commit well under the threshold.
/// </summary>
public sealed record BatchSettings
{
    public int BaseBatchSize { get; init; } = 10_000;
    public int MinBatchSize { get; init; } = 1_000;
    public int MaxBatchSize { get; init; } = 50_000;
    public double AdjustmentFactor { get; init; } = 0.25;
    public TimeSpan PerformanceThreshold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The seed's batchSizeAdaptive: false keeps every page at its first size (only a failed page still halves the
    /// next, seed L1).
    /// </summary>
    public bool Adaptive { get; init; } = true;

    public static BatchSettings Default { get; } = new();

    /// <summary>Returns the problems with these settings, empty when they are valid.</summary>
    public IReadOnlyList<(string Field, string Problem)> Validate()
    {
        var problems = new List<(string, string)>();
        if (MinBatchSize < 1) problems.Add((nameof(MinBatchSize), "must be at least 1"));
        if (MaxBatchSize < MinBatchSize) problems.Add((nameof(MaxBatchSize), "must not be smaller than the minimum batch size"));
        if (BaseBatchSize < MinBatchSize || BaseBatchSize > MaxBatchSize) problems.Add((nameof(BaseBatchSize), "must lie between the minimum and maximum batch size"));
        if (AdjustmentFactor is not (> 0 and < 1)) problems.Add((nameof(AdjustmentFactor), "must be greater than 0 and less than 1"));
        if (PerformanceThreshold <= TimeSpan.Zero) problems.Add((nameof(PerformanceThreshold), "must be positive"));
        return problems;
    }
}
