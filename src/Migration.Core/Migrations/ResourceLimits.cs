using System.Globalization;

namespace Migration.Core.Migrations;

/// <summary>
/// The seed's ResourceLimits beyond the concurrency (<see cref="MigrationOptions.MaxConcurrentBatches"/>) and the
/// adaptive batching knobs (<see cref="BatchSettings"/>): what one copy stream may hold and use. Shown in the plan and
/// changeable while a migration is paused; the resumed run uses the new values.
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>Largest accepted <see cref="MemoryPerAgentMb"/>.</summary>
    public const int MaxMemoryPerAgentMb = 4096;

    /// <summary>Largest accepted <see cref="ConnectionPoolSize"/>.</summary>
    public const int MaxConnectionPoolSize = 200;

    /// <summary>Largest accepted <see cref="QueueMaxSize"/>.</summary>
    public const int MaxQueueSize = 100_000;

    /// <summary>Largest accepted <see cref="MigrationOptions.MaxConcurrentBatches"/>.</summary>
    public const int MaxConcurrency = 64;

    /// <summary>
    /// Source bytes one page of a copy stream may carry (the seed's memory per agent): pages of wide tables are capped
    /// at this many bytes of rows (by the table's average row size), whatever the batch settings allow.
    /// </summary>
    public int MemoryPerAgentMb { get; init; } = 32;

    /// <summary>
    /// Connections each server keeps at most per database for the copy (Npgsql Maximum Pool Size of the copy's data
    /// sources). Every page stream holds one connection to each side, so it must be at least the concurrency.
    /// </summary>
    public int ConnectionPoolSize { get; init; } = 10;

    /// <summary>
    /// Committed pages whose progress reports may wait in a copy stream's queue before the stream waits for them to be
    /// delivered (back-pressure instead of an unbounded queue).
    /// </summary>
    public int QueueMaxSize { get; init; } = 256;

    public static ResourceLimits Default { get; } = new();

    /// <summary>Bytes of source rows one page may carry.</summary>
    public long PageByteBudget => MemoryPerAgentMb * 1024L * 1024L;

    /// <summary>
    /// The problems with these limits together with the concurrency and batch settings they go with, as
    /// (field, problem) with the API's field names (<c>max_concurrent_batches</c>, <c>batch.max_batch_size</c>, ...);
    /// empty when they are valid.
    /// </summary>
    public IReadOnlyList<(string Field, string Problem)> Validate(int maxConcurrentBatches, BatchSettings batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var problems = new List<(string, string)>();
        if (maxConcurrentBatches is < 1 or > MaxConcurrency)
        {
            problems.Add(("max_concurrent_batches", $"must lie between 1 and {MaxConcurrency.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (MemoryPerAgentMb is < 1 or > MaxMemoryPerAgentMb)
        {
            problems.Add(("memory_per_agent_mb", $"must lie between 1 and {MaxMemoryPerAgentMb.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (ConnectionPoolSize is < 1 or > MaxConnectionPoolSize)
        {
            problems.Add(("connection_pool_size", $"must lie between 1 and {MaxConnectionPoolSize.ToString(CultureInfo.InvariantCulture)}"));
        }
        else if (ConnectionPoolSize < maxConcurrentBatches)
        {
            problems.Add(("connection_pool_size", "must be at least max_concurrent_batches (each page stream holds a connection to each database)"));
        }

        if (QueueMaxSize is < 1 or > MaxQueueSize)
        {
            problems.Add(("queue_max_size", $"must lie between 1 and {MaxQueueSize.ToString(CultureInfo.InvariantCulture)}"));
        }

        foreach (var (field, problem) in batch.Validate())
        {
            problems.Add(("batch." + Snake(field), problem));
        }

        return problems;
    }

    /// <summary>One line for logs, the journal and the decision history.</summary>
    public static string Describe(int maxConcurrentBatches, BatchSettings batch, ResourceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(limits);
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv,
            $"max_concurrent_batches {maxConcurrentBatches}, pages {batch.MinBatchSize}..{batch.MaxBatchSize} rows from {batch.BaseBatchSize}" +
            $" ({(batch.Adaptive ? $"adaptive, factor {batch.AdjustmentFactor}, threshold {batch.PerformanceThreshold.TotalMilliseconds} ms" : "fixed")})," +
            $" memory_per_agent_mb {limits.MemoryPerAgentMb}, connection_pool_size {limits.ConnectionPoolSize}, queue_max_size {limits.QueueMaxSize}");
    }

    private static string Snake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
