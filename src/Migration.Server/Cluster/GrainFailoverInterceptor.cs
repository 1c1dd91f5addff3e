using Grpc.Core;
using Grpc.Core.Interceptors;
using Migration.Agents.Cluster;

namespace Migration.Server.Cluster;

/// <summary>
/// A unary call whose grain call landed in a cluster's failover gap (the agent's server died and is not yet declared
/// dead) is run again with backoff until the agent is reactivated on a survivor, so any instance keeps serving any
/// migration while another one dies. Still failing after <see cref="GrainFailover.DefaultBudget"/>: UNAVAILABLE, which
/// clients retry. Innermost interceptor: it sees the agents' own exceptions.
/// </summary>
public sealed partial class GrainFailoverInterceptor(TimeProvider clock, ILogger<GrainFailoverInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var attempt = 0;
        try
        {
            return await GrainFailover.CallAsync(() =>
            {
                if (attempt++ > 0)
                {
                    LogRetrying(logger, context.Method, attempt);
                }

                return continuation(request, context);
            }, clock, context.CancellationToken);
        }
        catch (Exception ex) when (GrainFailover.IsFailover(ex))
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                "A server of the cluster went away and its agents are not reactivated yet; try again in a few seconds."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method}: a server of the cluster went away under the call; attempt {Attempt}")]
    private static partial void LogRetrying(ILogger logger, string method, int attempt);
}
