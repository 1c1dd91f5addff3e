using System.Diagnostics.CodeAnalysis;
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
/// Runs one table as a set of range units: cuts the table into key ranges (once; the cut is recorded in the target),
/// starts each unfinished range as its own <see cref="IRangeCopyGrain"/> (Orleans places them across the cluster), at
/// most <see cref="TableCopyRequest.Parallelism"/> at once, adds the ranges' pages up into the table's progress for the
/// orchestrator, and reports the table complete when every range is. The coordination runs on the grain's own
/// scheduler; the ranges report pages and outcomes, and are polled every few seconds as well, so that a range whose
/// silo died (its new activation is idle) is started again on a survivor, where it continues from its checkpoint.
/// Page reports wait in a queue of at most <see cref="TableCopyRequest.ReportQueueSize"/> (the ranges wait when it is
/// full). Kept in memory while it runs; once the table is done the activation goes (the checkpoints keep the totals).
/// </summary>
public sealed partial class TableCopyGrain(IRangeCopier copier, TimeProvider clock, ILogger<TableCopyGrain> logger) : Grain, ITableCopyGrain
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<int, (long Rows, int Batches)> _progress = [];
    private readonly Dictionary<int, RangeCopyResult> _completed = [];
    private readonly HashSet<int> _started = [];
    private CancellationTokenSource? _stop;
    private Task? _run;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (int Range, ErrorContext Error)? _failure;
    private Channel<BatchResult>? _reports;
    private RunNumber? _runNumber;
    private bool _stopping;

    private string Key => this.GetPrimaryKeyString();

    public Task StartAsync(TableCopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_run is { IsCompleted: false })
        {
            // The same work asked for by a newer start of the orchestrator (its driver moved, say): report under it. A run
            // being stopped is not adopted; it ends, and the orchestrator starts the table again once it has.
            if (_stop is { IsCancellationRequested: false } && _runNumber is { } current)
            {
                current.Value = request.Run;
            }

            return Task.CompletedTask;
        }

        _stop?.Dispose();
        _stop = new CancellationTokenSource();
        _runNumber = new RunNumber { Value = request.Run };
        _failure = null;
        _completed.Clear();
        _started.Clear();
        _progress.Clear();
        DelayDeactivation(TimeSpan.FromDays(7));
        _run = RunAsync(request, _runNumber, _stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        if (IsLeftOver())
        {
            return; // nothing to stop
        }

        _stopping = true;
        try
        {
            await _stop.CancelAsync();
            _reports?.Writer.TryComplete(); // a range waiting to hand over a page report is let go: progress only
            await Task.WhenAll(_started.ToList().Select(range => StopRangeAsync(range)));
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The ranges' pages in flight are rolled back; their checkpoints are safe either way.
        }
        finally
        {
            _stopping = false;
        }

        if (_run.IsCompleted)
        {
            Done(); // the run ended during the stop and left going to this point (see RunAsync)
        }
    }

    public Task<bool> IsRunningAsync() => Task.FromResult(!IsLeftOver() && !_run.IsCompleted);

    public async Task ReportRangeBatchAsync(int range, BatchResult batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_reports is not { } reports || !_started.Contains(range))
        {
            return; // not (or no longer) coordinating: the checkpoints keep the totals
        }

        _progress[range] = (batch.TableRowsCopied, batch.BatchesCompleted);
        var (rows, batches) = Totals();
        var report = batch with { TableRowsCopied = rows, BatchesCompleted = batches };
        // A full queue holds the range's report (and so its next page) until the orchestrator has taken one: back-pressure.
        while (!reports.Writer.TryWrite(report))
        {
            if (!await reports.Writer.WaitToWriteAsync())
            {
                return; // the run ended, or is being stopped
            }
        }
    }

    public Task ReportRangeCompletedAsync(RangeCopyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (IsLeftOver())
        {
            return Task.CompletedTask; // the range's checkpoint holds the result
        }

        _completed[result.Range] = result;
        _progress[result.Range] = (result.RowsCopied, result.Batches);
        _wake.TrySetResult();
        return Task.CompletedTask;
    }

    public Task ReportRangeFailedAsync(int range, ErrorContext error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (IsLeftOver())
        {
            return Task.CompletedTask; // a new run meets the failure again
        }

        _failure ??= (range, error);
        _wake.TrySetResult();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop?.Cancel();
        return Task.CompletedTask;
    }

    private async Task RunAsync(TableCopyRequest request, RunNumber run, CancellationToken cancellationToken)
    {
        var table = request.Table.Table.ToString();
        var orchestrator = GrainFactory.GetGrain<IOrchestratorGrain>(request.MigrationId);
        var started = clock.GetTimestamp();
        _reports = Channel.CreateBounded<BatchResult>(new BoundedChannelOptions(Math.Max(1, request.ReportQueueSize))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var sender = SendReportsAsync(_reports.Reader, orchestrator, request.MigrationId, table, run);
        try
        {
            var ranges = await copier.PrepareRangesAsync(request, cancellationToken);
            foreach (var range in ranges)
            {
                _progress[range.Number] = (range.RowsCopied, range.Batches);
                if (range.Completed)
                {
                    _completed[range.Number] = new RangeCopyResult(table, range.Number, range.RowsCopied, range.Batches, TimeSpan.Zero)
                    {
                        RowsQuarantined = range.RowsQuarantined,
                    };
                }
            }

            var waiting = new Queue<int>(ranges.Where(r => !r.Completed).Select(r => r.Number));
            var slots = Math.Max(1, request.Parallelism);
            if (ranges.Count > 1)
            {
                LogRanges(logger, request.MigrationId, table, ranges.Count, waiting.Count, Math.Min(slots, waiting.Count));
            }

            while (_completed.Count < ranges.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_failure is var (failedRange, error))
                {
                    await Task.WhenAll(_started.Where(r => r != failedRange && !_completed.ContainsKey(r)).ToList().Select(r => StopRangeAsync(r)));
                    cancellationToken.ThrowIfCancellationRequested(); // stopped meanwhile: the failure is not news any more
                    await ReportFailedAsync(orchestrator, request.MigrationId, table, error, run);
                    return;
                }

                while (waiting.Count > 0 && _started.Count(r => !_completed.ContainsKey(r)) < slots)
                {
                    cancellationToken.ThrowIfCancellationRequested(); // never start a range once a stop has begun
                    var range = waiting.Dequeue();
                    _started.Add(range);
                    await GrainFailover.CallAsync(() => RangeGrain(range).StartAsync(request, range), clock, cancellationToken);
                }

                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await Task.WhenAny(_wake.Task, Task.Delay(PollInterval, clock, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                await PollAsync(request, cancellationToken);
            }

            _reports.Writer.TryComplete();
            await sender;
            var (rows, batches) = Totals();
            var result = new TableCopyResult(table, rows, batches, clock.GetElapsedTime(started))
            {
                // Each range counts its own (all runs), so the table's count is their sum.
                RowsQuarantined = _completed.Values.Sum(r => r.RowsQuarantined),
            };
            LogTableCompleted(logger, request.MigrationId, table, rows, ranges.Count);
            await GrainFailover.CallAsync(() => orchestrator.ReportTableCompletedAsync(result, run.Value), clock, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopped(logger, request.MigrationId, table);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, request.MigrationId, table, ex);
            var postgres = ex as PostgresException ?? ex.InnerException as PostgresException;
            await ReportFailedAsync(orchestrator, request.MigrationId, table, new ErrorContext(
                AgentId.MigrationExecution, MigrationPhase.Execution, $"copy {table}", null, 0, postgres?.MessageText ?? ex.Message,
                postgres?.SqlState, postgres?.ConstraintName, postgres?.Detail,
                ["fix the cause and resume the migration (it continues from the last committed page)", "cancel the migration"],
                $"table {table}: copy stopped; every committed page is kept with its checkpoint", EscalationLevel: 2), run);
        }
        catch (Exception ex)
        {
            // Failed while being stopped: whoever stopped it decides what comes next.
            LogStoppedWithError(logger, request.MigrationId, table, ex.Message);
        }
        finally
        {
            _reports.Writer.TryComplete();
            if (!_stopping)
            {
                // Not while a stop is under way: going then would hold back the ranges' last reports, which the stop
                // waits for (the activation only goes once idle, and the stop keeps it busy). The stop says it at its end.
                Done();
            }
        }
    }

    /// <summary>
    /// The run is over, completed, stopped or failed: the activation goes as soon as it is idle. Nothing in it is needed
    /// any more (the totals are in the checkpoints, a failure has been reported), and a stopped table that turns out
    /// complete when the migration resumes is never started again, so it would otherwise stay until idle collection.
    /// </summary>
    private void Done() => DeactivateOnIdle();

    /// <summary>
    /// Whether this activation never ran the table: a late stop, question or range report activated it after the run
    /// that was here had ended and gone. It goes again at once (the checkpoints hold what the run did).
    /// </summary>
    [MemberNotNullWhen(false, nameof(_run), nameof(_stop))]
    private bool IsLeftOver()
    {
        if (_run is not null && _stop is not null)
        {
            return false;
        }

        DeactivateOnIdle();
        return true;
    }

    /// <summary>Asks every running range how it is; a range found idle lost its silo and is started again.</summary>
    private async Task PollAsync(TableCopyRequest request, CancellationToken cancellationToken)
    {
        foreach (var range in _started.Where(r => !_completed.ContainsKey(r)).ToList())
        {
            RangeRunStatus status;
            try
            {
                status = await RangeGrain(range).GetStatusAsync().WaitAsync(StatusTimeout, cancellationToken);
            }
            catch (Exception ex) when (GrainFailover.IsFailover(ex) || ex is TimeoutException)
            {
                continue; // its silo is going away: asked again at the next poll, by then reactivated elsewhere
            }

            switch (status.State)
            {
                case RangeRunState.Completed when status.Result is { } result:
                    _completed[range] = result;
                    _progress[range] = (result.RowsCopied, result.Batches);
                    break;
                case RangeRunState.Failed when status.Error is { } error:
                    _failure ??= (range, error);
                    break;
                case RangeRunState.Idle or RangeRunState.Stopped:
                    // A range stopped because the table is being stopped is not started again.
                    cancellationToken.ThrowIfCancellationRequested();
                    LogRangeRestarted(logger, request.MigrationId, request.Table.Table.ToString(), range, status.Silo);
                    await GrainFailover.CallAsync(() => RangeGrain(range).StartAsync(request, range), clock, cancellationToken);
                    break;
            }
        }
    }

    private async Task StopRangeAsync(int range)
    {
        try
        {
            await GrainFailover.CallAsync(() => RangeGrain(range).StopAsync(), clock, CancellationToken.None, TimeSpan.FromSeconds(20));
        }
        catch (Exception ex)
        {
            LogStopFailed(logger, Key, range, ex);
        }
    }

    private async Task ReportFailedAsync(IOrchestratorGrain orchestrator, string migrationId, string table, ErrorContext error, RunNumber run)
    {
        try
        {
            await GrainFailover.CallAsync(() => orchestrator.ReportTableFailedAsync(table, error, run.Value), clock, CancellationToken.None);
        }
        catch (Exception reportError)
        {
            LogFailed(logger, migrationId, table, reportError);
        }
    }

    private async Task SendReportsAsync(ChannelReader<BatchResult> reports, IOrchestratorGrain orchestrator, string migrationId, string table, RunNumber run)
    {
        await foreach (var batch in reports.ReadAllAsync())
        {
            try
            {
                await GrainFailover.CallAsync(() => orchestrator.ReportBatchAsync(batch, run.Value), clock, CancellationToken.None, TimeSpan.FromSeconds(5));
            }
            catch (Exception ex)
            {
                // Progress only: the table's totals are re-read from its checkpoints when it completes or resumes.
                LogReportFailed(logger, migrationId, table, batch.BatchId, ex);
            }
        }
    }

    private (long Rows, int Batches) Totals() => (_progress.Values.Sum(p => p.Rows), _progress.Values.Sum(p => p.Batches));

    private IRangeCopyGrain RangeGrain(int range) => GrainFactory.GetGrain<IRangeCopyGrain>($"{Key}#{range}");

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] {Table}: {Ranges} key ranges, {Unfinished} unfinished, {Concurrent} copied at once")]
    private static partial void LogRanges(ILogger logger, string migrationId, string table, int ranges, int unfinished, int concurrent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] range {Range} of {Table} was not running any more (now on silo {Silo}); started it again from its checkpoint")]
    private static partial void LogRangeRestarted(ILogger logger, string migrationId, string table, int range, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] {Table} completed: {Rows} rows in {Ranges} range(s)")]
    private static partial void LogTableCompleted(ILogger logger, string migrationId, string table, long rows, int ranges);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] could not report page {BatchId} of {Table}")]
    private static partial void LogReportFailed(ILogger logger, string migrationId, string table, string batchId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{Table}] could not stop range {Range}")]
    private static partial void LogStopFailed(ILogger logger, string table, int range, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] copy of {Table} stopped on request")]
    private static partial void LogStopped(ILogger logger, string migrationId, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] copy of {Table} stopped on request ({Reason})")]
    private static partial void LogStoppedWithError(ILogger logger, string migrationId, string table, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "[{MigrationId}] copy of {Table} failed")]
    private static partial void LogFailed(ILogger logger, string migrationId, string table, Exception exception);

    /// <summary>The orchestrator's number of the start a run reports under (a newer start of the same work may adopt it).</summary>
    private sealed class RunNumber
    {
        public int Value { get; set; }
    }
}
