using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Agents.Abstractions;
using Migration.Contracts.V1;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Server.Connections;
using Migration.Server.Errors;
using Migration.Server.Mapping;
using Migration.Server.Security;
using Domain = Migration.Core.Mapping;

namespace Migration.Server.Services;

/// <summary>
/// The public MappingService: reads, suggests, validates and replaces the mapping specification of a migration.
/// A spec with errors is refused with INVALID_ARGUMENT and one google.rpc.BadRequest field violation per error, the
/// field being the spec's JSON path (e.g. <c>tables[2].columns[5].source</c>).
/// </summary>
public sealed partial class MappingGrpcService(
    IGrainFactory grains,
    ConnectionResolver connections,
    ILogger<MappingGrpcService> logger) : MappingService.MappingServiceBase
{
    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetMappingResponse> GetMapping(GetMappingRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var spec = await grain.GetMappingAsync();
        return spec is null ? new GetMappingResponse() : new GetMappingResponse { Spec = spec.ToProto(), SpecJson = MappingSpecJson.Serialize(spec) };
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<SuggestMappingResponse> SuggestMapping(SuggestMappingRequest request, ServerCallContext context)
    {
        if (request.Threshold is < 0 or > 1)
        {
            throw RpcErrors.InvalidArgument("The threshold is a confidence between 0 and 1.", ("threshold", "must be between 0 and 1"));
        }

        var (source, target) = await ConnectionsAsync(request.MigrationId, request.Source, request.Target, context.CancellationToken);
        var filter = new CatalogFilter([.. request.IncludeSchemas], [], [], []);
        var suggestion = await grains.GetGrain<IDataMappingGrain>(request.MigrationId is { Length: > 0 } id ? id : "suggest")
            .SuggestAsync(source, target, filter, request.Threshold);
        var response = new SuggestMappingResponse { Spec = suggestion.Spec.ToProto(), SpecJson = MappingSpecJson.Serialize(suggestion.Spec) };
        response.Decisions.AddRange(suggestion.Decisions.Select(d => d.ToProto()));
        response.Issues.AddRange(suggestion.Issues.Select(i => i.ToProto()));
        LogSuggested(logger, suggestion.Spec.Tables.Count, suggestion.Decisions.Count);
        return response;
    }

    [Authorize(Policy = MigrationPolicies.Operate)]
    public override async Task<UpdateMappingResponse> UpdateMapping(UpdateMappingRequest request, ServerCallContext context)
    {
        var grain = await grains.ExistingMigrationAsync(request.MigrationId);
        var spec = request.Spec is null && string.IsNullOrWhiteSpace(request.SpecJson) ? null : ReadSpec(request.Spec, request.SpecJson, "spec");
        IReadOnlyList<Domain.MappingIssue> issues = [];
        if (spec is not null)
        {
            var live = await grain.GetConnectionsAsync() ?? throw RpcErrors.NotFound($"No migration with id '{request.MigrationId}'.");
            var result = await grains.GetGrain<IDataMappingGrain>(request.MigrationId).ValidateAsync(live.SourceConnectionString, live.TargetConnectionString, spec);
            ThrowIfInvalid(result, "spec.");
            issues = result.Issues;
        }

        var snapshot = await grain.UpdateMappingAsync(spec, CallerIdentity.Name(context, request.UpdatedBy));
        var response = new UpdateMappingResponse { Migration = snapshot.ToProto() };
        if (snapshot.Plan is not null)
        {
            response.Plan = snapshot.Plan.ToProto(snapshot.Id, snapshot.Approved, snapshot.ApprovedBy);
        }

        response.Issues.AddRange(issues.Select(i => i.ToProto()));
        LogUpdated(logger, request.MigrationId, spec?.Tables.Count ?? 0);
        return response;
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<ValidateMappingResponse> ValidateMapping(ValidateMappingRequest request, ServerCallContext context)
    {
        if (request.Spec is null && string.IsNullOrWhiteSpace(request.SpecJson))
        {
            throw RpcErrors.InvalidArgument("A spec is required.", ("spec", "give spec or spec_json"));
        }

        var spec = ReadSpec(request.Spec, request.SpecJson, "spec");
        var (source, target) = await ConnectionsAsync(request.MigrationId, request.Source, request.Target, context.CancellationToken);
        var result = await grains.GetGrain<IDataMappingGrain>(request.MigrationId is { Length: > 0 } id ? id : "validate")
            .ValidateAsync(source, target, spec);
        var response = new ValidateMappingResponse { Valid = result.IsValid };
        response.Issues.AddRange(result.Issues.Select(i => i.ToProto()));
        return response;
    }

    /// <summary>
    /// Validates the spec of a CreateMigration request against the two databases; throws INVALID_ARGUMENT with the
    /// fields <c>options.mapping.&lt;path&gt;</c> when it cannot run.
    /// </summary>
    public static async Task CheckCreateAsync(IGrainFactory grains, Domain.MappingSpec spec, string source, string target)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var result = await grains.GetGrain<IDataMappingGrain>("validate").ValidateAsync(source, target, spec);
        ThrowIfInvalid(result, "options.mapping.");
    }

    /// <summary>The spec of a request (typed message, else JSON text); INVALID_ARGUMENT with the malformed fields.</summary>
    public static Domain.MappingSpec ReadSpec(Contracts.V1.MappingSpec? message, string json, string field)
    {
        if (message is not null)
        {
            var (spec, violations) = message.ToDomain();
            return spec ?? throw RpcErrors.InvalidArgument("The mapping specification is malformed.",
                [.. violations.Select(v => ($"{field}.{v.Field}", v.Description))]);
        }

        try
        {
            return MappingSpecJson.Deserialize(json);
        }
        catch (MappingSpecFormatException ex)
        {
            var path = ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path == "$" ? "" : ex.Path;
            throw RpcErrors.InvalidArgument($"The mapping specification is not valid JSON of the expected shape: {ex.Message}",
                ($"{field}_json{(path.Length > 0 ? "." + path : "")}", ex.Message));
        }
    }

    private static void ThrowIfInvalid(Domain.MappingValidationResult result, string prefix)
    {
        if (!result.IsValid)
        {
            var errors = result.Errors.ToList();
            throw RpcErrors.InvalidArgument(
                $"The mapping specification has {errors.Count} error(s); nothing was changed. First: {errors[0].Path}: {errors[0].Message}",
                [.. errors.Select(e => (prefix + e.Path, e.Message))]);
        }
    }

    private async Task<(string Source, string Target)> ConnectionsAsync(string migrationId, ConnectionSpec? source, ConnectionSpec? target, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(migrationId))
        {
            var grain = await grains.ExistingMigrationAsync(migrationId);
            var live = await grain.GetConnectionsAsync() ?? throw RpcErrors.NotFound($"No migration with id '{migrationId}'.");
            return (live.SourceConnectionString, live.TargetConnectionString);
        }

        if (source is null || target is null)
        {
            throw RpcErrors.InvalidArgument("Give a migration_id, or both source and target.",
                [.. new[] { source is null ? ("source", "required without migration_id") : default, target is null ? ("target", "required without migration_id") : default }
                    .Where(v => v.Item1 is not null).Select(v => (v.Item1!, v.Item2!))]);
        }

        var resolvedSource = await connections.ResolveAsync(source, "source", cancellationToken);
        var resolvedTarget = await connections.ResolveAsync(target, "target", cancellationToken);
        return (resolvedSource.ConnectionString, resolvedTarget.ConnectionString);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mapping suggested: {Tables} table(s), {Decisions} decision(s)")]
    private static partial void LogSuggested(ILogger logger, int tables, int decisions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mapping of migration {MigrationId} replaced: {Tables} table(s)")]
    private static partial void LogUpdated(ILogger logger, string migrationId, int tables);
}
