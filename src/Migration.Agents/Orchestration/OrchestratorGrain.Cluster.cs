using Microsoft.Extensions.Logging;

namespace Migration.Agents.Orchestration;

/// <summary>The orchestrator in a cluster: a server dying under an agent the driver waits on is not a failed migration.</summary>
public sealed partial class OrchestratorGrain
{
    private static readonly TimeSpan FailoverRedriveDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The driver lost an agent to a dead server (a grain call failed with a failover error after its retries): drive
    /// again from the checkpoints in the target, once the cluster has had a moment to declare the server dead.
    /// Range and table agents still running elsewhere are joined, not duplicated (their starts are idempotent).
    /// </summary>
    private async Task RedriveAfterFailoverAsync(Exception exception, CancellationToken cancellationToken)
    {
        LogDriverFailover(logger, Id, exception);
        foreach (var wait in _tableDone.Values)
        {
            wait.TrySetResult(false);
        }

        _tableDone.Clear();
        await Task.Delay(FailoverRedriveDelay, clock, cancellationToken);
        await DriveAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] a server of the cluster went away under the copy; driving again from the checkpoints")]
    private static partial void LogDriverFailover(ILogger logger, string migrationId, Exception exception);
}
