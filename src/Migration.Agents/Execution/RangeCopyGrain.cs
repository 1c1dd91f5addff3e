using System.Threading.Channels;
using Migration.Agents.Abstractions;
using Migration.Agents.Cluster;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Migration.Agents.Execution;

/// <summary>
/// Copies one key range of a table in the background (grain calls must stay short) and reports each committed page to
/// the table's grain. Placed by <see cref="RangeSpreadPlacement"/>: a table's ranges go round the cluster's servers.
/// Exactly-once does not depend on this grain: every page commits with the range's checkpoint under the range's lock,
/// so a second copy of the same range (after a failover, or even at the same time) continues where the first stopped
/// and never commits a page twice. Its page reports wait in a queue of at most
/// <see cref="TableCopyRequest.ReportQueueSize"/>: when it is full the copy waits (back-pressure). Held in memory while
/// it copies; a completed range's activation goes once idle (its checkpoint is the truth), a stopped or failed one is
/// left to the runtime's usual idle collection.
/// </summary>
[RangeSpreadPlacement]
public sealed partial class RangeCopyGrain(IRangeCopier copier, ILocalSiloDetails silo, TimeProvider clock, ILogger<RangeCopyGrain> logger)
    : Grain, IRangeCopyGrain
{
    private CancellationTokenSource? _stop;
    private Task? _run;
    private volatile RangeRunState _state;
    private RangeCopyResult? _result;
    private ErrorContext? _error;

    public Task StartAsync(TableCopyRequest request, int range)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A completed range is run again too: the copier returns at once when its checkpoint says complete, and
        // copies what is left when the checkpoint was reset (a rollback) since this activation completed it.
        if (_run is { IsCompleted: false })
        {
            return Task.CompletedTask;
        }

        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _state = RangeRunState.Running;
        _error = null;
        var table = GrainFactory.GetGrain<ITableCopyGrain>($"{request.MigrationId}/{request.Table.Table}");
        DelayDeactivation(TimeSpan.FromDays(7));
        var token = _stop.Token;
        LogStarted(logger, request.MigrationId, request.Table.Table.ToString(), range, silo.SiloAddress.ToString());
        var run = Task.Run(() => RunAsync(request, range, table, token), CancellationToken.None);
        _run = run;
        _ = AfterRunAsync(run);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (_stop is null || _run is null)
        {
            // A fresh activation (the range finished, and went, before the stop came): nothing to stop, nothing to keep.
            DeactivateOnIdle();
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

    public Task<RangeRunStatus> GetStatusAsync() =>
        Task.FromResult(new RangeRunStatus(_state, _result, _error, silo.SiloAddress.ToString()));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop?.Cancel();
        _stop?.Dispose();
        _stop = null;
        return Task.CompletedTask;
    }

    // Started on the grain's scheduler, so it resumes there once the copy (on the thread pool) is over.
    private async Task AfterRunAsync(Task run)
    {
        await run; // RunAsync handles every exception itself
        if (!ReferenceEquals(run, _run))
        {
            return; // started again meanwhile
        }

        if (_state == RangeRunState.Completed)
        {
            DeactivateOnIdle();
        }
        else
        {
            DelayDeactivation(TimeSpan.Zero);
        }
    }

    private async Task RunAsync(TableCopyRequest request, int range, ITableCopyGrain table, CancellationToken cancellationToken)
    {
        var name = request.Table.Table.ToString();
        // Pages are reported in order by one sender without holding up the copy (the checkpoints in the target, not
        // these reports, are the truth).
        var reports = Channel.CreateBounded<BatchResult>(new BoundedChannelOptions(Math.Max(1, request.ReportQueueSize))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var sender = SendReportsAsync(reports.Reader, table, request.MigrationId, name, range);
        try
        {
            RangeCopyResult result;
            try
            {
                // A stop lets go of a report waiting for room (the page is committed; the report is progress only).
                result = await copier.CopyRangeAsync(request, range, (batch, token) => reports.Writer.WriteAsync(batch, token).AsTask(), cancellationToken);
            }
            finally
            {
                reports.Writer.TryComplete();
                await sender;
            }

            _result = result;
            _state = RangeRunState.Completed;
            LogCompleted(logger, request.MigrationId, name, range, result.RowsCopied);
            await NotifyAsync(() => table.ReportRangeCompletedAsync(result), request.MigrationId, name, range);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _state = RangeRunState.Stopped;
            LogStopped(logger, request.MigrationId, name, range);
        }
        catch (Exception ex)
        {
            LogFailed(logger, request.MigrationId, name, range, ex);
            var error = CopyErrorContext.From(name, ex);
            _error = error;
            _state = RangeRunState.Failed;
            await NotifyAsync(() => table.ReportRangeFailedAsync(range, error), request.MigrationId, name, range);
        }
    }

    // The table grain also polls its ranges, so a report lost in a failover only costs a poll interval.
    private async Task NotifyAsync(Func<Task> report, string migrationId, string table, int range)
    {
        try
        {
            await GrainFailover.CallAsync(report, clock, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogReportFailed(logger, migrationId, table, range, ex);
        }
    }

    private async Task SendReportsAsync(ChannelReader<BatchResult> reports, ITableCopyGrain table, string migrationId, string name, int range)
    {
        await foreach (var batch in reports.ReadAllAsync())
        {
            try
            {
                // Progress only: a short retry window, then the next page's report carries the totals anyway.
                await GrainFailover.CallAsync(() => table.ReportRangeBatchAsync(range, batch), clock, CancellationToken.None, TimeSpan.FromSeconds(5));
            }
            catch (Exception ex)
            {
                LogReportFailed(logger, migrationId, name, range, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] range {Range} of {Table} started on silo {Silo}")]
    private static partial void LogStarted(ILogger logger, string migrationId, string table, int range, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] range {Range} of {Table} completed ({Rows} rows)")]
    private static partial void LogCompleted(ILogger logger, string migrationId, string table, int range, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] could not report range {Range} of {Table}")]
    private static partial void LogReportFailed(ILogger logger, string migrationId, string table, int range, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] copy of range {Range} of {Table} stopped on request")]
    private static partial void LogStopped(ILogger logger, string migrationId, string table, int range);

    [LoggerMessage(Level = LogLevel.Error, Message = "[{MigrationId}] copy of range {Range} of {Table} failed")]
    private static partial void LogFailed(ILogger logger, string migrationId, string table, int range, Exception exception);
}
