using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Migration.Agents.Abstractions;
using Migration.Contracts.V1;
using Migration.Core.Abstractions;
using Migration.Server.Audit;
using Migration.Server.Errors;
using Migration.Server.Health;
using Migration.Server.Security;
using Migration.Server.Telemetry;
using DomainEvent = Migration.Core.Events.MigrationEvent;

namespace Migration.Server.Operations;

/// <summary>The OperationsService: the audit trail (admin) and live figures of the server and a migration (any role).</summary>
public sealed class OperationsGrpcService(
    IAuditTrail audit,
    IGrainFactory grains,
    IMigrationEventLog events,
    HealthCheckService health,
    ProcessSampler sampler,
    IOptions<HealthThresholds> thresholds,
    IConfiguration configuration,
    IHostEnvironment environment,
    TimeProvider clock) : OperationsService.OperationsServiceBase
{
    private const int MaxPageSize = 1000;
    private const int EventPage = 1000;

    [Authorize(Policy = MigrationPolicies.Administer)]
    public override async Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw RpcErrors.InvalidArgument("page_size is out of range.", ("page_size", $"must be between 0 and {MaxPageSize} (0 = 100)"));
        }

        if (request.BeforeId < 0)
        {
            throw RpcErrors.InvalidArgument("before_id must not be negative.", ("before_id", "must be >= 0"));
        }

        var pageSize = request.PageSize == 0 ? 100 : request.PageSize;
        var records = await audit.ListAsync(new AuditQuery(NullIfEmpty(request.MigrationId), request.BeforeId, pageSize,
            NullIfEmpty(request.Actor), NullIfEmpty(request.Action)), context.CancellationToken);
        var response = new ListAuditRecordsResponse { NextBeforeId = records.Count == pageSize ? records[^1].Id : 0 };
        response.Records.AddRange(records.Select(r => new Contracts.V1.AuditRecord
        {
            Id = r.Id,
            OccurredAt = Timestamp.FromDateTimeOffset(r.OccurredAt),
            MigrationId = r.MigrationId ?? string.Empty,
            Actor = r.Actor,
            AuthMethod = r.AuthMethod,
            Roles = { r.Roles },
            Action = r.Action,
            Peer = r.Peer,
            Outcome = r.Outcome,
            Detail = r.Detail,
            TraceId = r.TraceId ?? string.Empty,
        }));
        return response;
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        var response = new GetMetricsResponse { Server = await ServerAsync(context.CancellationToken) };
        if (!string.IsNullOrWhiteSpace(request.MigrationId))
        {
            var snapshot = await grains.GetGrain<IOrchestratorGrain>(request.MigrationId).GetAsync()
                ?? throw RpcErrors.NotFound($"No migration with id '{request.MigrationId}'.");
            var all = new List<DomainEvent>();
            for (long cursor = 0; ;)
            {
                var page = await events.ReadAsync(request.MigrationId, cursor, EventPage, context.CancellationToken);
                all.AddRange(page);
                if (page.Count < EventPage)
                {
                    break;
                }

                cursor = page[^1].Sequence;
            }

            response.Migration = MigrationFigures.Compute(snapshot, all);
        }

        return response;
    }

    private async Task<ServerMetrics> ServerAsync(CancellationToken cancellationToken)
    {
        var (workingSet, heap, limit) = ProcessSampler.Memory();
        var (diskFree, diskFraction, _) = DiskSpaceHealthCheck.Measure(thresholds.Value, configuration, environment);
        var report = await health.CheckHealthAsync(cancellationToken);
        var server = new ServerMetrics
        {
            SampledAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Uptime = Duration.FromTimeSpan(sampler.Uptime),
            WorkingSetBytes = workingSet,
            GcHeapBytes = heap,
            MemoryLimitBytes = limit,
            MemoryUsedFraction = limit > 0 ? workingSet / (double)limit : 0,
            CpuFraction = sampler.CpuFraction(),
            ProcessorCount = Environment.ProcessorCount,
            ThreadPoolThreads = ThreadPool.ThreadCount,
            DiskFreeBytes = diskFree,
            DiskFreeFraction = diskFraction,
            Health = report.Status.ToString(),
        };
        server.Checks.AddRange(report.Entries.Select(e => new HealthEntry
        {
            Name = e.Key,
            Status = e.Value.Status.ToString(),
            Description = SecretRedactor.Redact(e.Value.Description),
            Duration = Duration.FromTimeSpan(e.Value.Duration),
        }));
        return server;
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
