using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Migration.Server.Errors;

/// <summary>
/// Turns the errors agents raise into status codes, so no call ends in an unhandled exception: unknown id →
/// NOT_FOUND, wrong state → FAILED_PRECONDITION, bad argument → INVALID_ARGUMENT, anything else → INTERNAL with
/// the message (never a stack trace) and a log entry.
/// </summary>
public sealed partial class ExceptionMappingInterceptor(ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw Map(ex, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
            case KeyNotFoundException:
                return RpcErrors.NotFound(exception.Message);
            case InvalidOperationException:
                return RpcErrors.FailedPrecondition(exception.Message);
            case ArgumentException argument:
                return RpcErrors.InvalidArgument(argument.Message, (argument.ParamName ?? "request", argument.Message));
            case TimeoutException:
                return new RpcException(new Status(StatusCode.DeadlineExceeded, exception.Message));
            default:
                LogUnexpected(logger, context.Method, exception);
                return new RpcException(new Status(StatusCode.Internal, $"Unexpected server error: {exception.Message}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in {Method}")]
    private static partial void LogUnexpected(ILogger logger, string method, Exception exception);
}
