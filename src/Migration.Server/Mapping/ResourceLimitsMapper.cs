using Google.Protobuf.WellKnownTypes;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Proto = Migration.Contracts.V1;

namespace Migration.Server.Mapping;

/// <summary>The seed's resource limits between the API and the domain (plan, options, a change while paused).</summary>
public static class ResourceLimitsMapper
{
    /// <summary>The limits a plan's copy runs under, as the API shows them.</summary>
    public static Proto.ResourceLimits ToResourceLimitsProto(this MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new Proto.ResourceLimits
        {
            MaxConcurrentBatches = plan.MaxConcurrentBatches,
            Batch = plan.Batch.ToProto(),
            AdaptiveBatching = plan.Batch.Adaptive,
            MemoryPerAgentMb = plan.Resources.MemoryPerAgentMb,
            ConnectionPoolSize = plan.Resources.ConnectionPoolSize,
            QueueMaxSize = plan.Resources.QueueMaxSize,
        };
    }

    /// <summary>The options' resource limits (0 or unset = default) applied onto <paramref name="domain"/>.</summary>
    public static MigrationOptions WithResourceLimits(this MigrationOptions domain, Proto.MigrationOptions? options)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (options is null)
        {
            return domain;
        }

        var defaults = ResourceLimits.Default;
        return domain with
        {
            Batch = domain.Batch with { Adaptive = !options.HasAdaptiveBatching || options.AdaptiveBatching },
            Resources = new ResourceLimits
            {
                MemoryPerAgentMb = options.MemoryPerAgentMb != 0 ? options.MemoryPerAgentMb : defaults.MemoryPerAgentMb,
                ConnectionPoolSize = options.ConnectionPoolSize != 0 ? options.ConnectionPoolSize : Math.Max(defaults.ConnectionPoolSize, domain.MaxConcurrentBatches),
                QueueMaxSize = options.QueueMaxSize != 0 ? options.QueueMaxSize : defaults.QueueMaxSize,
            },
        };
    }

    /// <summary>The change a request asks for (only the fields it sets).</summary>
    public static ResourceLimitsChange ToDomain(this Proto.UpdateResourceLimitsRequest request, string requestedBy)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ResourceLimitsChange
        {
            MaxConcurrentBatches = request.HasMaxConcurrentBatches ? request.MaxConcurrentBatches : null,
            BaseBatchSize = request.HasBaseBatchSize ? request.BaseBatchSize : null,
            MinBatchSize = request.HasMinBatchSize ? request.MinBatchSize : null,
            MaxBatchSize = request.HasMaxBatchSize ? request.MaxBatchSize : null,
            AdjustmentFactor = request.HasAdjustmentFactor ? request.AdjustmentFactor : null,
            PerformanceThreshold = request.PerformanceThreshold is { } threshold ? threshold.ToTimeSpan() : null,
            AdaptiveBatching = request.HasAdaptiveBatching ? request.AdaptiveBatching : null,
            MemoryPerAgentMb = request.HasMemoryPerAgentMb ? request.MemoryPerAgentMb : null,
            ConnectionPoolSize = request.HasConnectionPoolSize ? request.ConnectionPoolSize : null,
            QueueMaxSize = request.HasQueueMaxSize ? request.QueueMaxSize : null,
            Reason = request.Reason,
            RequestedBy = requestedBy,
        };
    }

    /// <summary>A duration the API accepts as a performance threshold (a Duration field may be out of TimeSpan's range).</summary>
    public static bool IsValidThreshold(Duration? duration) =>
        duration is null || (duration.Seconds is >= 0 and <= 86_400 && duration.Nanos >= 0);
}
