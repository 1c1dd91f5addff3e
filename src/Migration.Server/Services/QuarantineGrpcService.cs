using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Agents.Abstractions;
using Migration.Contracts.V1;
using Migration.Core.Abstractions;
using Migration.Server.Errors;
using Migration.Server.Security;

namespace Migration.Server.Services;

/// <summary>
/// The QuarantineService: the rows a migration's copy set aside, with their reasons (any role; previews mask secrets
/// and cut long values, the full row stays in the control schema, encrypted when a key is configured).
/// </summary>
public sealed class QuarantineGrpcService(IGrainFactory grains, IQuarantineStore store) : QuarantineService.QuarantineServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<ListQuarantinedRowsResponse> ListQuarantinedRows(ListQuarantinedRowsRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.MigrationId))
        {
            throw RpcErrors.InvalidArgument("migration_id is required.", ("migration_id", "must not be empty"));
        }

        if (request.PageSize is < 0 or > MaxPageSize)
        {
            throw RpcErrors.InvalidArgument("page_size is out of bounds.", ("page_size", $"must lie between 0 and {MaxPageSize}"));
        }

        long after = 0;
        if (request.PageToken.Length > 0 && !long.TryParse(request.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            throw RpcErrors.InvalidArgument("page_token is not one this service returned.", ("page_token", "must be a token from next_page_token"));
        }

        var connections = await grains.GetGrain<IOrchestratorGrain>(request.MigrationId).GetConnectionsAsync()
            ?? throw RpcErrors.NotFound($"No migration with id '{request.MigrationId}'.");
        var size = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var table = string.IsNullOrWhiteSpace(request.Table) ? null : request.Table;
        var rows = await store.ListAsync(connections.TargetConnectionString, connections.ControlSchema, request.MigrationId, table, after, size + 1, context.CancellationToken);
        var counts = await store.CountAsync(connections.TargetConnectionString, connections.ControlSchema, request.MigrationId, context.CancellationToken);

        var response = new ListQuarantinedRowsResponse();
        foreach (var (name, count) in counts)
        {
            response.Counts[name] = count;
        }
        foreach (var row in rows.Take(size))
        {
            var item = new QuarantinedRow
            {
                Id = row.Id,
                Table = row.Table,
                BatchId = row.BatchId ?? "",
                Reason = row.Reason.Message,
                SqlState = row.Reason.SqlState ?? "",
                Constraint = row.Reason.Constraint ?? "",
                Column = row.Reason.Column ?? "",
                Detail = row.Reason.Detail ?? "",
                Preview = row.Preview,
                PayloadEncrypted = row.PayloadEncrypted,
                QuarantinedAt = Timestamp.FromDateTimeOffset(row.QuarantinedAt),
            };
            item.SourceKey.AddRange(row.SourceKey.Select(k => k ?? ""));
            response.Rows.Add(item);
        }

        if (rows.Count > size)
        {
            response.NextPageToken = rows[size - 1].Id.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }
}
