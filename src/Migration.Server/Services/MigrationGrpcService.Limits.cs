using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Contracts.V1;
using Migration.Server.Errors;
using Migration.Server.Mapping;
using Migration.Server.Security;
using Domain = Migration.Core.Migrations;

namespace Migration.Server.Services;

/// <summary>The seed's resource limits: checked when a migration is created, changed while it is paused.</summary>
public sealed partial class MigrationGrpcService
{
    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<UpdateResourceLimitsResponse> UpdateResourceLimits(UpdateResourceLimitsRequest request, ServerCallContext context)
    {
        if (!ResourceLimitsMapper.IsValidThreshold(request.PerformanceThreshold))
        {
            throw RpcErrors.InvalidArgument("The resource limits are out of range.", ("performance_threshold", "must lie between 0 and 24 hours"));
        }

        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var change = request.ToDomain(CallerIdentity.Name(context, request.RequestedBy));
        if (change.IsEmpty)
        {
            throw RpcErrors.InvalidArgument("Nothing to change: set at least one limit.", ("request", "sets no limit"));
        }

        var current = await grain.GetAsync() ?? throw RpcErrors.NotFound($"No migration with id '{request.MigrationId}'.");
        if (current.Phase != Domain.MigrationPhase.Paused || current.Plan is not { } plan)
        {
            throw RpcErrors.FailedPrecondition(
                Domain.MigrationErrors.WrongPhase(request.MigrationId, current.Phase, "change the resource limits of").Message +
                " Pause it first; the resumed run uses the new limits.");
        }

        var (concurrency, batch, limits) = change.ApplyTo(plan.MaxConcurrentBatches, plan.Batch, plan.Resources);
        var problems = limits.Validate(concurrency, batch);
        if (problems.Count > 0)
        {
            throw RpcErrors.InvalidArgument("The resource limits are out of range.", [.. problems.Select(p => (RequestField(p.Field), p.Problem))]);
        }

        var updated = await grain.UpdateResourceLimitsAsync(change);
        return new UpdateResourceLimitsResponse
        {
            Migration = updated.ToProto(),
            ResourceLimits = (updated.Plan ?? plan).ToResourceLimitsProto(),
        };
    }

    /// <summary>Problems with the resource limits of a new migration's options (the batch settings are checked apart).</summary>
    private static IEnumerable<(string Field, string Problem)> ResourceLimitProblems(Domain.MigrationOptions options) =>
        options.Resources.Validate(options.MaxConcurrentBatches, options.Batch)
            .Where(p => !p.Field.StartsWith("batch.", StringComparison.Ordinal))
            .Select(p => ("options." + p.Field, p.Problem));

    // The request's fields are flat: batch.max_batch_size is max_batch_size there.
    private static string RequestField(string field) =>
        field.StartsWith("batch.", StringComparison.Ordinal) ? field["batch.".Length..] : field;
}
