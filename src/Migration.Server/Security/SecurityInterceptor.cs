using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authorization;
using Migration.Server.Audit;

namespace Migration.Server.Security;

/// <summary>
/// Runs around every gRPC call, outside the exception mapping: refuses methods that declare no policy to anyone but an
/// admin (deny by default), and writes every call that needs more than View (or is marked [Audited]) to the audit
/// trail with its outcome: who, what, which migration, from where, OK or the status code and its message.
/// </summary>
public sealed class SecurityInterceptor(IAuditTrail audit) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        if (!Authorize(http))
        {
            return await continuation(request, context);
        }

        try
        {
            var response = await continuation(request, context);
            await RecordAsync(http, MigrationIdOf(request) ?? MigrationIdOf(response), AuditRecords.Ok, string.Empty, context);
            return response;
        }
        catch (RpcException ex)
        {
            await RecordAsync(http, MigrationIdOf(request), ex.StatusCode.ToString(), ex.Status.Detail, context);
            throw;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        if (!Authorize(http))
        {
            await continuation(request, responseStream, context);
            return;
        }

        try
        {
            await continuation(request, responseStream, context);
            await RecordAsync(http, MigrationIdOf(request), AuditRecords.Ok, string.Empty, context);
        }
        catch (RpcException ex)
        {
            await RecordAsync(http, MigrationIdOf(request), ex.StatusCode.ToString(), ex.Status.Detail, context);
            throw;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        if (!Authorize(http))
        {
            return await continuation(requestStream, context);
        }

        try
        {
            var response = await continuation(requestStream, context);
            await RecordAsync(http, MigrationIdOf(response), AuditRecords.Ok, string.Empty, context);
            return response;
        }
        catch (RpcException ex)
        {
            await RecordAsync(http, null, ex.StatusCode.ToString(), ex.Status.Detail, context);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var http = context.GetHttpContext();
        if (!Authorize(http))
        {
            await continuation(requestStream, responseStream, context);
            return;
        }

        try
        {
            await continuation(requestStream, responseStream, context);
            await RecordAsync(http, null, AuditRecords.Ok, string.Empty, context);
        }
        catch (RpcException ex)
        {
            await RecordAsync(http, null, ex.StatusCode.ToString(), ex.Status.Detail, context);
            throw;
        }
    }

    /// <summary>
    /// Throws UNAUTHENTICATED/PERMISSION_DENIED for a method without a policy and a caller who is not an admin; returns
    /// whether the call is audited.
    /// </summary>
    private static bool Authorize(HttpContext http)
    {
        var metadata = http.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<IAllowAnonymous>() is not null)
        {
            return false;
        }

        var policies = metadata?.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList() ?? [];
        if (policies.Count == 0 && !MigrationPolicies.Allows(http.User, MigrationPolicies.Administer))
        {
            throw http.User.Identity?.IsAuthenticated == true
                ? new RpcException(new Status(StatusCode.PermissionDenied,
                    $"{http.User.Identity.Name} may not call {AuditRecords.ActionOf(http)}: it declares no role, so it needs {MigrationRoles.Admin}."))
                : new RpcException(new Status(StatusCode.Unauthenticated, "Authentication required."));
        }

        return metadata?.GetMetadata<AuditedAttribute>() is not null
               || policies.Count == 0
               || policies.Any(p => p is not MigrationPolicies.View);
    }

    private Task RecordAsync(HttpContext http, string? migrationId, string outcome, string detail, ServerCallContext context) =>
        audit.RecordAsync(AuditRecords.For(http, AuditRecords.ActionOf(http), migrationId, outcome, detail),
            context.CancellationToken.IsCancellationRequested ? CancellationToken.None : context.CancellationToken);

    /// <summary>The migration a message is about: its migration_id field, or the id of its migration field.</summary>
    private static string? MigrationIdOf(object? message)
    {
        if (message is not IMessage protobuf)
        {
            return null;
        }

        var descriptor = protobuf.Descriptor;
        if (descriptor.FindFieldByName("migration_id") is { FieldType: FieldType.String } idField)
        {
            return idField.Accessor.GetValue(protobuf) as string is { Length: > 0 } id ? id : null;
        }

        if (descriptor.FindFieldByName("migration") is { FieldType: FieldType.Message } migrationField
            && migrationField.Accessor.GetValue(protobuf) is IMessage migration
            && migration.Descriptor.FindFieldByName("id") is { FieldType: FieldType.String } nested)
        {
            return nested.Accessor.GetValue(migration) as string is { Length: > 0 } id ? id : null;
        }

        return null;
    }
}
