using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Agents.Abstractions;
using Migration.Contracts.V1;
using Migration.Core.Abstractions;
using Migration.Core.Migrations;
using Migration.Core.Recovery;
using Migration.Server.Connections;
using Migration.Server.Errors;
using Migration.Server.Mapping;
using Migration.Server.Security;
using Domain = Migration.Core.Migrations;

namespace Migration.Server.Services;

/// <summary>
/// The public MigrationService: validates requests, resolves connections and forwards to the orchestrator grain of
/// the migration. Any server instance serves any migration (grains are located by the agent runtime; events come
/// from the shared event log).
/// </summary>
public sealed partial class MigrationGrpcService(
    IGrainFactory grains,
    IMigrationRegistry registry,
    IMigrationEventLog events,
    ConnectionResolver connections,
    ILogger<MigrationGrpcService> logger) : MigrationService.MigrationServiceBase
{
    private static readonly TimeSpan WatchWait = TimeSpan.FromSeconds(5);
    private const int WatchPage = 500;

    // How long a pair's holder without state and without a creation in progress is waited for before it is released.
    private static readonly TimeSpan HolderGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HolderPoll = TimeSpan.FromMilliseconds(250);

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<CreateMigrationResponse> CreateMigration(CreateMigrationRequest request, ServerCallContext context)
    {
        var limits = RequestLimits.Check(request);
        if (limits.Count > 0)
        {
            throw RpcErrors.InvalidArgument("The request is out of bounds.", [.. limits]);
        }

        var options = request.Options.ToDomain();
        var problems = options.Batch.Validate().Select(p => ($"options.batch.{ToSnake(p.Field)}", p.Problem)).ToList();
        if (request.Options?.MaxConcurrentBatches < 0)
        {
            problems.Add(("options.max_concurrent_batches", "must not be negative"));
        }

        problems.AddRange(ResourceLimitProblems(options));

        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("Invalid migration options.", [.. problems]);
        }

        var source = await connections.ResolveAsync(request.Source, "source", context.CancellationToken);
        var target = await connections.ResolveAsync(request.Target, "target", context.CancellationToken);
        if (source.Description == target.Description)
        {
            throw RpcErrors.InvalidArgument("Source and target are the same database.", ("target", "must differ from the source"));
        }

        if (request.Options?.Mapping is not null || !string.IsNullOrWhiteSpace(request.Options?.MappingJson))
        {
            options = options with { Mapping = MappingGrpcService.ReadSpec(request.Options!.Mapping, request.Options.MappingJson, "options.mapping") };
            await MappingGrpcService.CheckCreateAsync(grains, options.Mapping, source.ConnectionString, target.ConnectionString);
        }

        var requestedBy = CallerIdentity.Name(context, request.RequestedBy);
        var command = new CreateMigrationCommand(source.ConnectionString, target.ConnectionString, source.Description,
            target.Description, options, request.Description, requestedBy);

        var id = NewId();
        var registration = await registry.TryRegisterAsync(id, command.PairKey, DateTimeOffset.UtcNow, context.CancellationToken);
        if (registration.IsExisting)
        {
            // Never a second copy into the same target: the caller attaches to the unfinished migration.
            var leases = context.GetHttpContext().RequestServices.GetService<IExecutionLeases>();
            var attached = await HolderStateAsync(registration.MigrationId, command.TargetConnectionString, leases, context.CancellationToken);
            if (attached is not null)
            {
                LogAttached(logger, registration.MigrationId, source.Description, target.Description);
                return Response(attached, attachedToExisting: true);
            }

            if (leases is null)
            {
                throw RpcErrors.FailedPrecondition(
                    $"Migration '{registration.MigrationId}' holds this source and target but has no state; cancel it first.");
            }

            // The holder has no state and nobody is creating it (the creation holds the execution lease until its state
            // is saved): its server died while analysing, so nothing was written. Release the pair instead of blocking
            // it for good.
            await registry.MarkFinishedAsync(registration.MigrationId, command.PairKey, context.CancellationToken);
            registration = await registry.TryRegisterAsync(id, command.PairKey, DateTimeOffset.UtcNow, context.CancellationToken);
            if (registration.IsExisting)
            {
                // Someone else claimed the pair in between: attach to theirs (it is being created right now).
                attached = await HolderStateAsync(registration.MigrationId, command.TargetConnectionString, leases, context.CancellationToken)
                    ?? throw RpcErrors.FailedPrecondition(
                        $"Migration '{registration.MigrationId}' was just created for this source and target by another caller; try again.");
                LogAttached(logger, registration.MigrationId, source.Description, target.Description);
                return Response(attached, attachedToExisting: true);
            }
        }

        var snapshot = await grains.GetGrain<IOrchestratorGrain>(id).CreateAsync(command);
        if (snapshot.Plan is { IsEmpty: true })
        {
            throw RpcErrors.FailedPrecondition(
                $"Nothing to migrate: the source {source.Description} has no tables that match the selection (migration {id}).",
                ("source", "no tables matched"));
        }

        LogCreated(logger, id, source.Description, target.Description, snapshot.Phase);
        return Response(snapshot, attachedToExisting: false);
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetPlanResponse> GetPlan(GetPlanRequest request, ServerCallContext context)
    {
        var snapshot = await grains.MigrationSnapshotAsync(request.MigrationId);
        if (snapshot.Plan is null)
        {
            throw RpcErrors.FailedPrecondition($"Migration '{snapshot.Id}' has no plan yet: it is {MigrationErrors.PhaseText(snapshot.Phase)}.");
        }

        return new GetPlanResponse { Plan = snapshot.Plan.ToProto(snapshot.Id, snapshot.Approved, snapshot.ApprovedBy) };
    }

    [Authorize(Policy = MigrationPolicies.Approve)]
    public override async Task<ApprovePlanResponse> ApprovePlan(ApprovePlanRequest request, ServerCallContext context)
    {
        var problems = new List<(string Field, string Description)>();
        RequestLimits.Defined(problems, "foreign_key_mode", request.ForeignKeyMode);
        RequestLimits.Text(problems, "comment", request.Comment);
        RequestLimits.Text(problems, "approved_by", request.ApprovedBy);
        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("The request is out of bounds.", [.. problems]);
        }

        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var by = CallerIdentity.Name(context, request.ApprovedBy);
        var snapshot = await grain.ApproveAsync(by, request.ForeignKeyMode.ToDomain(), NullIfEmpty(request.Comment));
        return new ApprovePlanResponse { Migration = snapshot.ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<StartMigrationResponse> StartMigration(StartMigrationRequest request, ServerCallContext context)
    {
        var current = await grains.MigrationSnapshotAsync(request.MigrationId);
        if (request.AutoApprove && !current.Approved && !MigrationPolicies.Allows(context.GetHttpContext().User, MigrationPolicies.Approve))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                "auto_approve approves the plan: it needs the role approver or admin; start without it after an approver approved."));
        }

        var grain = grains.GetGrain<IOrchestratorGrain>(current.Id);
        var by = CallerIdentity.Name(context, request.StartedBy);
        var snapshot = await grain.StartAsync(by, request.AutoApprove);
        return new StartMigrationResponse { Migration = snapshot.ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<PauseMigrationResponse> PauseMigration(PauseMigrationRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        return new PauseMigrationResponse { Migration = (await grain.PauseAsync(request.Reason)).ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<ResumeMigrationResponse> ResumeMigration(ResumeMigrationRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        return new ResumeMigrationResponse { Migration = (await grain.ResumeAsync()).ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<CancelMigrationResponse> CancelMigration(CancelMigrationRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        return new CancelMigrationResponse { Migration = (await grain.CancelAsync(request.Reason)).ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetMigrationResponse> GetMigration(GetMigrationRequest request, ServerCallContext context) =>
        new() { Migration = (await grains.MigrationSnapshotAsync(request.MigrationId)).ToProto() };

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<ListMigrationsResponse> ListMigrations(ListMigrationsRequest request, ServerCallContext context)
    {
        var phaseProblems = new List<(string Field, string Description)>();
        for (var i = 0; i < request.Phases.Count && phaseProblems.Count < 20; i++)
        {
            RequestLimits.Defined(phaseProblems, $"phases[{i}]", request.Phases[i]);
        }

        if (phaseProblems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("Unknown phase in the filter.", [.. phaseProblems]);
        }

        var pageSize = request.PageSize is > 0 and <= 1000 ? request.PageSize : 100;
        var wanted = request.Phases.Select(p => p.ToDomain()).OfType<Domain.MigrationPhase>().ToHashSet();
        var response = new ListMigrationsResponse();
        foreach (var id in await registry.ListAsync(pageSize, context.CancellationToken))
        {
            var snapshot = await grains.GetGrain<IOrchestratorGrain>(id).GetAsync();
            if (snapshot is not null && (wanted.Count == 0 || wanted.Contains(snapshot.Phase)))
            {
                response.Migrations.Add(snapshot.ToProto());
            }
        }

        return response;
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<ValidateMigrationResponse> ValidateMigration(ValidateMigrationRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        return new ValidateMigrationResponse { Report = (await grain.ValidateAsync()).ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task WatchMigration(WatchMigrationRequest request, IServerStreamWriter<MigrationEvent> responseStream, ServerCallContext context)
    {
        if (request.AfterSequence < 0)
        {
            throw RpcErrors.InvalidArgument("after_sequence must not be negative.", ("after_sequence", "must be >= 0"));
        }

        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var cursor = request.AfterSequence;
        var cancellationToken = context.CancellationToken;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await events.ReadAsync(request.MigrationId, cursor, WatchPage, cancellationToken);
            foreach (var migrationEvent in page)
            {
                await responseStream.WriteAsync(migrationEvent.ToProto(), cancellationToken);
                cursor = migrationEvent.Sequence;
            }

            if (page.Count == WatchPage)
            {
                continue;
            }

            var snapshot = await grain.GetAsync();
            if (snapshot is null || (snapshot.Phase.IsTerminal() && cursor >= await events.LastSequenceAsync(request.MigrationId, cancellationToken)))
            {
                return;
            }

            await events.WaitForEventsAsync(request.MigrationId, cursor, WatchWait, cancellationToken);
        }
    }

    /// <summary>
    /// The state of the migration that holds a source/target pair, waiting while it is being created: another caller
    /// (on this server or another) may have claimed the pair a moment ago and not yet reached the grain, or its grain
    /// may be analysing under the execution lease. Null when, after <see cref="HolderGrace"/>, the holder has neither
    /// state nor a creation in progress (its server died before saving anything).
    /// </summary>
    private async Task<MigrationSnapshot?> HolderStateAsync(
        string holderId, string targetConnectionString, IExecutionLeases? leases, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IOrchestratorGrain>(holderId);
        var idleSince = DateTimeOffset.UtcNow;
        while (true)
        {
            if (await grain.GetAsync() is { } snapshot)
            {
                return snapshot;
            }

            if (leases is null)
            {
                return null;
            }

            if (await leases.DescribeHolderAsync(targetConnectionString, holderId, cancellationToken) is not null)
            {
                idleSince = DateTimeOffset.UtcNow; // being created right now
            }
            else if (DateTimeOffset.UtcNow - idleSince >= HolderGrace)
            {
                return null;
            }

            await Task.Delay(HolderPoll, cancellationToken);
        }
    }

    private static CreateMigrationResponse Response(MigrationSnapshot snapshot, bool attachedToExisting)
    {
        var response = new CreateMigrationResponse { Migration = snapshot.ToProto(), AttachedToExisting = attachedToExisting };
        if (snapshot.Plan is not null)
        {
            response.Plan = snapshot.Plan.ToProto(snapshot.Id, snapshot.Approved, snapshot.ApprovedBy);
        }

        return response;
    }

    private static string NewId() => $"mig-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ToSnake(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration {MigrationId} created: {Source} -> {Target}, {Phase}")]
    private static partial void LogCreated(ILogger logger, string migrationId, string source, string target, Domain.MigrationPhase phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Attached to unfinished migration {MigrationId}: {Source} -> {Target}")]
    private static partial void LogAttached(ILogger logger, string migrationId, string source, string target);
}
