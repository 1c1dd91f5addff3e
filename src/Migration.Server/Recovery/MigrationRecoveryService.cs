using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;

namespace Migration.Server.Recovery;

/// <summary>
/// After a start (or a crash and restart) wakes every unfinished migration so it continues from its checkpoints
/// without waiting for its reminder (which fires within a minute as a second safety net).
/// </summary>
public sealed partial class MigrationRecoveryService(
    IMigrationRegistry registry,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<MigrationRecoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Grains can be called once the agent runtime (a hosted service itself) has started.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            var unfinished = await registry.UnfinishedAsync(stoppingToken);
            foreach (var id in unfinished)
            {
                await grains.GetGrain<IOrchestratorGrain>(id).WakeAsync();
            }

            if (unfinished.Count > 0)
            {
                LogWoken(logger, unfinished.Count);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} unfinished migration(s) from their checkpoints")]
    private static partial void LogWoken(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not resume unfinished migrations at start-up; their reminders will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
