using System.Threading.Channels;
using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Migration.Agents.Execution;

/// <summary>
/// Copies one table in the background (the copy can take hours; grain calls must not) and reports each committed
/// page to the orchestrator. Exactly-once does not depend on this grain: every page commits with its checkpoint,
/// so a second copy of the same table after a failover continues where the first one stopped.
/// </summary>
public sealed partial class TableCopyGrain(ITableCopier copier, ILogger<TableCopyGrain> logger) : Grain, ITableCopyGrain
{
    private CancellationTokenSource? _stop;
    private Task? _run;

    public Task StartAsync(TableCopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_run is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }

        _stop = new CancellationTokenSource();
        var orchestrator = GrainFactory.GetGrain<IOrchestratorGrain>(request.MigrationId);
        DelayDeactivation(TimeSpan.FromDays(7));
        var token = _stop.Token;
        _run = Task.Run(() => RunAsync(request, orchestrator, token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_stop is null || _run is null)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // The page in flight is still finishing its rollback; the checkpoint is safe either way.
        }
    }

    public Task<bool> IsRunningAsync() => Task.FromResult(_run is { IsCompleted: false });

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop?.Cancel();
        _stop?.Dispose();
        return Task.CompletedTask;
    }

    private async Task RunAsync(TableCopyRequest request, IOrchestratorGrain orchestrator, CancellationToken cancellationToken)
    {
        var table = request.Table.Table.ToString();
        // Pages are reported in order by one sender, without holding up the copy: the next page starts while the
        // orchestrator records the last one (the checkpoints in the target, not these reports, are the truth).
        var reports = Channel.CreateUnbounded<BatchResult>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var sender = SendReportsAsync(reports.Reader, orchestrator, request.MigrationId, table);
        try
        {
            TableCopyResult result;
            try
            {
                result = await copier.CopyAsync(request, (batch, _) => reports.Writer.WriteAsync(batch, CancellationToken.None).AsTask(), cancellationToken);
            }
            finally
            {
                reports.Writer.TryComplete();
                await sender;
            }

            await orchestrator.ReportTableCompletedAsync(result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(logger, request.MigrationId, table);
        }
        catch (Exception ex)
        {
            LogFailed(logger, request.MigrationId, table, ex);
            var postgres = ex as PostgresException ?? ex.InnerException as PostgresException;
            var error = new ErrorContext(
                AgentId.MigrationExecution,
                MigrationPhase.Execution,
                $"copy {table}",
                null,
                0,
                postgres?.MessageText ?? ex.Message,
                postgres?.SqlState,
                postgres?.ConstraintName,
                postgres?.Detail,
                ["fix the cause and resume the migration (it continues from the last committed page)", "cancel the migration"],
                $"table {table}: copy stopped; every committed page is kept with its checkpoint",
                EscalationLevel: 2);
            try
            {
                await orchestrator.ReportTableFailedAsync(table, error);
            }
            catch (Exception reportError)
            {
                LogFailed(logger, request.MigrationId, table, reportError);
            }
        }
    }

    private async Task SendReportsAsync(ChannelReader<BatchResult> reports, IOrchestratorGrain orchestrator, string migrationId, string table)
    {
        await foreach (var batch in reports.ReadAllAsync())
        {
            try
            {
                await orchestrator.ReportBatchAsync(batch);
            }
            catch (Exception ex)
            {
                // Progress only: the table's totals are re-read from its checkpoint when it completes or resumes.
                LogReportFailed(logger, migrationId, table, batch.BatchId, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] could not report page {BatchId} of {Table}")]
    private static partial void LogReportFailed(ILogger logger, string migrationId, string table, string batchId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] copy of {Table} stopped on request")]
    private static partial void LogStopped(ILogger logger, string migrationId, string table);

    [LoggerMessage(Level = LogLevel.Error, Message = "[{MigrationId}] copy of {Table} failed")]
    private static partial void LogFailed(ILogger logger, string migrationId, string table, Exception exception);
}
