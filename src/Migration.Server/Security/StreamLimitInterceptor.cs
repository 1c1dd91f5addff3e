using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Migration.Server.Security;

/// <summary>
/// Holds a slot of <see cref="OpenStreams"/> for the life of every server-streaming and bidirectional call (watch,
/// chat); the caller is the authenticated identity, or the peer's address when there is none.
/// </summary>
public sealed class StreamLimitInterceptor(OpenStreams streams) : Interceptor
{
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var caller = Enter(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            streams.Leave(caller);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        var caller = Enter(context);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        finally
        {
            streams.Leave(caller);
        }
    }

    private string Enter(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var caller = http.User.Identity is { IsAuthenticated: true, Name.Length: > 0 } identity
            && http.User.FindFirst(MigrationAuthenticationSchemes.MethodClaim)?.Value != MigrationAuthenticationSchemes.Development
            ? identity.Name
            : $"peer:{http.Connection.RemoteIpAddress}";
        return streams.TryEnter(caller, out var refusal)
            ? caller
            : throw new RpcException(new Status(StatusCode.ResourceExhausted, refusal));
    }
}
