using System.Diagnostics.CodeAnalysis;
using Migration.Agents.Abstractions;
using Migration.Agents.Cluster;
using Migration.Agents.Messaging;
using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Microsoft.Extensions.Logging;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The Orchestrator agent: the migration's state machine (Discovery → Planning → Mapping → AwaitingApproval →
/// Execution → Validation → Completed, with Paused and Failed), its decision gates, and the driver that delegates to
/// the specialist agents. One activation per migration cluster-wide; the driver runs on the grain's scheduler, so the
/// state has one writer. A reminder (and the start-up recovery service) re-activates it after a crash and the driver
/// continues from the checkpoints committed in the target.
/// </summary>
public sealed partial class OrchestratorGrain(
    [PersistentState("orchestrator", "migrations")] IPersistentState<OrchestratorState> state,
    IMigrationEventLog events,
    IDecisionHistory decisions,
    IMigrationRegistry registry,
    AgentJournal journal,
    ITargetSchemaBuilder schemaBuilder,
    IControlStore controlStore,
    IRowCounter rowCounter,
    ICatalogReader catalogReader,
    TimeProvider clock,
    ILogger<OrchestratorGrain> logger) : Grain, IOrchestratorGrain, IRemindable
{
    private const string ReminderName = "drive";
    private static readonly TimeSpan StateSaveInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WorkerCheckInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, TaskCompletionSource<bool>> _tableDone = new(StringComparer.Ordinal);
    private CancellationTokenSource? _driverStop;
    private Task? _driver;
    private readonly SemaphoreSlim _saveLock = new(1, 1);
    private DateTimeOffset _lastSave;
    private IGrainTimer? _decisionTimer;

    private string Id => this.GetPrimaryKeyString();

    private OrchestratorState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsureDriver();
        if (PendingDecisions().Count > 0)
        {
            StartDecisionTimer();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_driverStop is not null)
        {
            await _driverStop.CancelAsync();
        }

        if (S.Exists)
        {
            await SaveAsync();
        }
    }

    public async Task<MigrationSnapshot> CreateAsync(CreateMigrationCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (S.Exists)
        {
            return await SnapshotAsync();
        }

        S.Exists = true;
        S.Command = command;
        S.CreatedAt = clock.GetUtcNow();
        await using var creating = await HoldLeaseWhileCreatingAsync(command);
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), "Create a migration", [], "", "",
            "created", command.RequestedBy, S.CreatedAt, command.Description));

        try
        {
            await ChangePhaseAsync(MigrationPhase.Discovery, "analysing the source and target databases");
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.SchemaAnalysis, AgentMessageType.TaskDelegation,
                "read both catalogs and classify the source tables", MessagePriority.High, requiresResponse: true);
            var analysis = await GrainFactory.GetGrain<ISchemaAnalysisGrain>(Id)
                .AnalyzeAsync(command.SourceConnectionString, command.TargetConnectionString, command.Options.Filter);
            S.SourceCatalog = analysis.Source;
            await journal.SendAsync(Id, AgentId.SchemaAnalysis, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
                $"source: {analysis.Source.Tables.Count} tables ({Describe(analysis.Classes)}); target: {analysis.Target.Tables.Count} tables");

            await ChangePhaseAsync(MigrationPhase.Planning, "ordering tables along their connection rules");
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Planning, AgentMessageType.TaskDelegation,
                "build the plan: waves, cycle breaks, strategies, batch plan, estimates", MessagePriority.High, requiresResponse: true);
            var plan = await GrainFactory.GetGrain<IPlanningGrain>(Id).PlanAsync(analysis.Source, analysis.Target, command.Options);
            await journal.SendAsync(Id, AgentId.Planning, AgentId.Orchestrator, AgentMessageType.StatusUpdate, plan.Summary);

            await ChangePhaseAsync(MigrationPhase.Mapping, "checking how every column maps onto the target");
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.DataMapping, AgentMessageType.TaskDelegation,
                "verify the column mapping against the target", MessagePriority.Medium, requiresResponse: true);
            var mappingProblems = await GrainFactory.GetGrain<IDataMappingGrain>(Id).VerifyAsync(command.TargetConnectionString, plan);
            if (mappingProblems.Count > 0)
            {
                plan = plan with { Problems = [.. plan.Problems, .. mappingProblems] };
            }

            plan = await WithMismatchDecisionsAsync(plan, 1, new HashSet<string>(StringComparer.Ordinal));
            plan = await WithMissingParentDecisionsAsync(plan, analysis.Target, CancellationToken.None);

            S.Plan = plan;
            S.Tables = plan.Tables.ToDictionary(t => t.Table.ToString(),
                t => new TableRunState { RowsTotal = t.EstimatedRows, CurrentBatchSize = t.InitialBatchSize }, StringComparer.Ordinal);
            await EmitAsync(AgentId.Planning, new PlanReadyPayload(plan));

            if (plan.IsEmpty || plan.HasBlockingProblems)
            {
                var reason = plan.IsEmpty
                    ? "Nothing to migrate: the source has no tables that match the selection."
                    : "The plan has problems that must be fixed before anything is written: " +
                      string.Join(" ", plan.Problems.Where(p => p.Severity == PlanProblemSeverity.Blocking).Select(p => p.Message));
                await FailAsync(reason, AgentId.Planning, "plan");
            }
            else
            {
                await ChangePhaseAsync(MigrationPhase.AwaitingApproval, "the plan is ready for approval");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FailAsync($"Analysis failed: {ex.Message}", AgentId.SchemaAnalysis, "discovery", ex);
        }

        await SaveAsync();
        return await SnapshotAsync();
    }

    public async Task<MigrationSnapshot?> GetAsync() => S.Exists ? await SnapshotAsync() : null;

    public Task<MigrationConnections?> GetConnectionsAsync() =>
        Task.FromResult(S.Exists && S.Command is { } command
            ? new MigrationConnections(command.SourceConnectionString, command.TargetConnectionString, command.Options.ControlSchema)
            : null);

    public async Task<MigrationSnapshot> ApproveAsync(string approvedBy, ForeignKeyMode foreignKeyMode, string? comment)
    {
        EnsureExists();
        if (S.Phase != MigrationPhase.AwaitingApproval)
        {
            if (S.Approved && S.Phase is MigrationPhase.Execution or MigrationPhase.Validation or MigrationPhase.Paused)
            {
                return await SnapshotAsync();
            }

            throw MigrationErrors.WrongPhase(Id, S.Phase, "approve");
        }

        EnsureNoOpenMismatches();
        EnsureNoOpenMissingParents();

        var plan = S.Plan!;
        var now = clock.GetUtcNow();
        var fkDecision = plan.Decisions.FirstOrDefault(d => d.Id == MigrationPlanner.ForeignKeyDecisionId && d.Answer is null);
        if (fkDecision is not null)
        {
            var chosen = foreignKeyMode == ForeignKeyMode.Unspecified ? ForeignKeyMode.RecreateAfterLoad : foreignKeyMode;
            if (chosen != plan.ForeignKeyMode)
            {
                var options = S.Command!.Options with { ForeignKeyMode = chosen };
                S.Command = S.Command with { Options = options };
                plan = MigrationPlanner.Build(S.SourceCatalog!, await ReadTargetAsync(), options);
            }

            var answer = chosen == ForeignKeyMode.Keep ? "keep" : "recreate";
            var answered = fkDecision with { Answer = answer, AnsweredBy = approvedBy, AnsweredAt = now };
            plan = plan with { Decisions = plan.Decisions.Where(d => d.Id != fkDecision.Id).Append(answered).ToList() };
            await decisions.RecordAsync(Id, new DecisionRecord(fkDecision.Id, fkDecision.Question,
                fkDecision.Options.Select(o => o.Title).ToList(), fkDecision.RiskAssessment, fkDecision.Recommendation,
                answer, approvedBy, now, foreignKeyMode == ForeignKeyMode.Unspecified ? "recommendation taken" : comment ?? ""));
        }

        S.Plan = plan;
        S.Approved = true;
        S.ApprovedBy = approvedBy;
        await decisions.RecordAsync(Id, new DecisionRecord(DecisionIds.PlanApproval, "Approve the migration plan?",
            ["approve", "reject"], "Nothing is written to the target before approval.", "approve", "approved", approvedBy, now,
            comment ?? ""));
        await journal.SendAsync(Id, AgentId.User, AgentId.Orchestrator, AgentMessageType.StatusUpdate, $"plan approved by {approvedBy}");
        await SaveAsync();
        return await SnapshotAsync();
    }

    public async Task<MigrationSnapshot> StartAsync(string startedBy, bool autoApprove)
    {
        EnsureExists();
        if (S.Phase == MigrationPhase.AwaitingApproval && !S.Approved)
        {
            if (!autoApprove)
            {
                throw new InvalidOperationException($"Migration '{Id}' waits for plan approval: approve the plan first (or start with auto-approve).");
            }

            await ApproveAsync(startedBy, ForeignKeyMode.Unspecified, "approved on start");
        }

        if (S.Phase != MigrationPhase.AwaitingApproval)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "start");
        }

        await EnsureNotExecutingElsewhereAsync("start");

        // The target may have changed since planning: check the mapping again right before the first write.
        var problems = await GrainFactory.GetGrain<IDataMappingGrain>(Id).VerifyAsync(S.Command!.TargetConnectionString, S.Plan!);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The target changed since the plan was made: " + string.Join(" ", problems.Select(p => p.Message)));
        }

        S.StartedBy = startedBy;
        S.StartedAt = clock.GetUtcNow();
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), "Start the migration", [], "", "",
            "started", startedBy, S.StartedAt.Value, ""));
        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await ChangePhaseAsync(MigrationPhase.Execution, $"started by {startedBy}");
        await SaveAsync();
        EnsureDriver();
        return await SnapshotAsync();
    }

    public async Task<MigrationSnapshot> PauseAsync(string reason)
    {
        EnsureExists();
        if (S.Phase is not (MigrationPhase.Execution or MigrationPhase.Validation))
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "pause");
        }

        var from = S.Phase;
        await StopDriverAsync();
        S.PausedPhase = from;
        await ChangePhaseAsync(MigrationPhase.Paused, string.IsNullOrWhiteSpace(reason) ? "paused on request" : reason);
        await SaveAsync();
        return await SnapshotAsync();
    }

    public async Task<MigrationSnapshot> ResumeAsync()
    {
        EnsureExists();
        switch (S.Phase)
        {
            case MigrationPhase.Execution or MigrationPhase.Validation:
                EnsureDriver();
                return await SnapshotAsync();
            case MigrationPhase.Paused:
                await ChangePhaseAsync(S.PausedPhase ?? MigrationPhase.Execution, "resumed on request");
                break;
            case MigrationPhase.Failed when S.Approved && S.StartedAt is not null:
                // A failed run continues from its checkpoints: committed pages are never copied twice.
                S.Error = null;
                await ChangePhaseAsync(S.TargetFinished ? MigrationPhase.Validation : MigrationPhase.Execution, "resumed after a failure");
                await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
                break;
            default:
                throw MigrationErrors.WrongPhase(Id, S.Phase, "resume");
        }

        S.PausedPhase = null;
        await SaveAsync();
        EnsureDriver();
        return await SnapshotAsync();
    }

    public async Task<MigrationSnapshot> CancelAsync(string reason)
    {
        EnsureExists();
        // A failed run waits for its recovery decision; "stop for good" ends it here.
        if (S.Phase.IsTerminal() && S.Phase != MigrationPhase.Failed)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "cancel");
        }

        await StopDriverAsync();
        await ChangePhaseAsync(MigrationPhase.Cancelled,
            (string.IsNullOrWhiteSpace(reason) ? "cancelled on request" : reason) + "; rows already committed stay in the target");
        await FinishAsync();
        return await SnapshotAsync();
    }

    public async Task<ValidationReport> ValidateAsync()
    {
        EnsureExists();
        if (S.Plan is null || S.StartedAt is null)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "validate");
        }

        var report = await RunValidationAsync(CancellationToken.None);
        await SaveAsync();
        return report;
    }

    public Task WakeAsync()
    {
        EnsureDriver();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Exists && S.Phase.IsTerminal())
        {
            return UnregisterReminderAsync();
        }

        EnsureDriver();
        return Task.CompletedTask;
    }

    public async Task ReportBatchAsync(BatchResult batch, int run)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!IsCurrentRun(batch.Table, run, "a page", out var state))
        {
            return;
        }

        state.RowsCopied = batch.TableRowsCopied;
        state.RowsCopiedThisRun += batch.Rows;
        state.BatchesCompleted = batch.BatchesCompleted;
        state.BatchesThisRun++;
        state.LastBatchDuration = batch.Duration;
        state.TotalBatchDuration += batch.Duration;
        if (batch.NextBatchSize != state.CurrentBatchSize)
        {
            state.BatchSizeAdjustments++;
        }

        state.CurrentBatchSize = batch.NextBatchSize;
        state.RowsTotal = Math.Max(state.RowsTotal, state.RowsCopied);
        if (batch.Validated)
        {
            S.BatchesValidated++;
        }

        await NoteQuarantinedAsync(batch);

        // Seed: batch_completed → validate_batch + update_progress. The page was counted in the target inside its own
        // transaction (Validated); the event carries the progress to every watcher.
        await EmitAsync(AgentId.MigrationExecution, new BatchCompletedPayload(batch.Table, batch.BatchId, batch.Rows, batch.Duration,
            state.RowsCopied, state.RowsTotal, batch.NextBatchSize, Rate(state), batch.Validated));
        await SaveThrottledAsync();
    }

    public async Task ReportTableCompletedAsync(TableCopyResult result, int run)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!IsCurrentRun(result.Table, run, "its completion", out var state) || state.Status == TableStatus.Completed)
        {
            return;
        }

        state.Status = TableStatus.Completed;
        state.CompletedAt = clock.GetUtcNow();
        state.RowsCopied = result.RowsCopied;
        state.RowsTotal = result.RowsCopied;
        await RefreshQuarantinedAsync(result.Table, CancellationToken.None);
        await EmitAsync(AgentId.MigrationExecution, new TableCompletedPayload(result.Table, result.RowsCopied, result.Duration,
            result.Duration > TimeSpan.Zero ? state.RowsCopiedThisRun / result.Duration.TotalSeconds : 0));
        await journal.SendAsync(Id, AgentId.MigrationExecution, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
            $"{result.Table}: {result.RowsCopied:N0} rows in {result.Batches} pages");
        await RecordControlAsync(result.Table, state, "completed", null);
        await SaveAsync();
        CompleteWait(result.Table, true);
    }

    public async Task ReportTableFailedAsync(string table, ErrorContext error, int run)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!IsCurrentRun(table, run, "its failure", out var state))
        {
            return;
        }

        state.Status = TableStatus.Failed;
        state.Error = error.Message;
        NoteTableFailure(table, error);
        await EmitAsync(AgentId.MigrationExecution, new ErrorPayload(error));
        await journal.SendAsync(Id, AgentId.MigrationExecution, AgentId.Orchestrator, AgentMessageType.ErrorReport,
            $"{table}: {error.Message} (SqlState {error.SqlState ?? "-"})", MessagePriority.Critical);
        await RecordControlAsync(table, state, "failed", error.Message);
        await SaveAsync();
        CompleteWait(table, false);
    }

    /// <summary>
    /// True when <paramref name="table"/> is in the plan and <paramref name="run"/> is its current start; a report of an
    /// earlier start (a copy stopped by a pause or a rollback whose last word arrives late) is logged and ignored.
    /// </summary>
    private bool IsCurrentRun(string table, int run, string what, [NotNullWhen(true)] out TableRunState? state)
    {
        if (!S.Tables.TryGetValue(table, out state))
        {
            return false;
        }

        if (state.Run == run)
        {
            return true;
        }

        LogStaleReport(logger, Id, table, what, run, state.Run);
        state = null;
        return false;
    }

    private void EnsureDriver()
    {
        if (!S.Exists || S.Phase is not (MigrationPhase.Execution or MigrationPhase.Validation) || _driver is { IsCompleted: false })
        {
            return;
        }

        _driverStop = new CancellationTokenSource();
        _driver = DriveUnderLeaseAsync(_driverStop.Token);
    }

    private async Task StopDriverAsync()
    {
        if (_driverStop is not null)
        {
            await _driverStop.CancelAsync();
        }

        foreach (var table in S.Tables.Where(t => t.Value.Status == TableStatus.Running))
        {
            await GrainFailover.CallAsync(() => TableGrain(table.Key).StopAsync(), clock, CancellationToken.None);
            table.Value.Status = TableStatus.Pending;
            CompleteWait(table.Key, false);
        }

        if (_driver is not null)
        {
            try
            {
                await _driver;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task DriveAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (S.Phase == MigrationPhase.Execution)
            {
                await ExecuteAsync(cancellationToken);
            }

            if (S.Phase == MigrationPhase.Validation && !cancellationToken.IsCancellationRequested)
            {
                var report = await RunValidationAsync(cancellationToken);
                if (report.Passed)
                {
                    S.CompletedAt = clock.GetUtcNow();
                    await ChangePhaseAsync(MigrationPhase.Completed, report.Summary);
                    await FinishAsync();
                }
                else
                {
                    await FailAsync("Validation failed: " + report.Summary, AgentId.Validation, "validate");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogDriverStopped(logger, Id);
        }
        catch (Exception ex) when (GrainFailover.IsFailover(ex) && !cancellationToken.IsCancellationRequested)
        {
            await RedriveAfterFailoverAsync(ex, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && CanRedriveAfterTransient(ex))
        {
            await RedriveAfterTransientAsync(ex, cancellationToken); // OrchestratorGrain.Faults.cs
        }
        catch (Exception ex)
        {
            LogDriverFailed(logger, Id, ex);
            await FailAsync(ex.Message, AgentId.Orchestrator, "execution", ex);
        }
    }

    private async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var command = S.Command!;
        var plan = S.Plan!;
        S.ExecutionRunStartedAt = clock.GetUtcNow();
        await controlStore.EnsureSchemaAsync(command.TargetConnectionString, command.Options.ControlSchema, cancellationToken);
        await CaptureRecoveryPointAsync(cancellationToken);
        await CreatePlaceholderParentsAsync(cancellationToken); // OrchestratorGrain.Parents.cs
        if (!S.TargetPrepared)
        {
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.TaskDelegation,
                "prepare the target: create missing tables, set deferred connection rules aside");
            await schemaBuilder.PrepareAsync(command.TargetConnectionString, S.SourceCatalog!, plan, cancellationToken);
            S.TargetPrepared = true;
            await SaveAsync();
        }

        await RefreshFromCheckpointsAsync(cancellationToken);
        // Tables start as soon as a slot is free and they are ready, largest first (the longest copies overlap the
        // most). A table only waits for other tables when the target checks its foreign keys during the load. A table
        // large enough to be cut into key (or block) ranges takes every free slot (one page stream each).
        var slots = Math.Max(1, plan.MaxConcurrentBatches);
        var remaining = plan.Tables.Where(t => S.Tables[t.Table.ToString()].Status != TableStatus.Completed).ToList();
        var running = new Dictionary<string, (Task<bool> Run, int Streams)>(StringComparer.Ordinal);
        var failed = false;
        while (remaining.Count > 0 || running.Count > 0)
        {
            var free = slots - running.Values.Sum(r => r.Streams);
            while (!failed && free > 0 && NextReadyTable(remaining) is { } table)
            {
                remaining.Remove(table);
                var streams = table.SplitsIntoRanges(plan.Batch) ? free : 1;
                running[table.Table.ToString()] = (RunTableAsync(table, streams, cancellationToken), streams);
                free -= streams;
            }

            if (running.Count == 0)
            {
                break;
            }

            var finished = await Task.WhenAny(running.Values.Select(r => r.Run));
            var name = running.First(r => r.Value.Run == finished).Key;
            running.Remove(name);
            failed |= !await finished;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (failed)
        {
            var failures = S.Tables.Where(t => t.Value.Status == TableStatus.Failed).Select(t => $"{t.Key}: {t.Value.Error}");
            await FailAsync("Copy failed. " + string.Join("; ", failures) +
                " Every committed page is kept; `resume` continues from there.", AgentId.MigrationExecution, "copy");
            return;
        }

        if (remaining.Count > 0)
        {
            throw new InvalidOperationException(
                $"{remaining.Count} table(s) wait for tables that are not copied: {string.Join(", ", remaining.Select(t => t.Table))}.");
        }

        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.TaskDelegation,
            "finish the target: indexes, connection rules (re-checked), sequences");
        await schemaBuilder.FinishAsync(command.TargetConnectionString, S.SourceCatalog!, plan, cancellationToken);
        S.TargetFinished = true;
        await ChangePhaseAsync(MigrationPhase.Validation, "all rows copied; checking counts, checksums and connection rules");
        await SaveAsync();
    }

    private TablePlan? NextReadyTable(List<TablePlan> remaining) =>
        remaining
            .Where(t => !t.ChecksForeignKeysDuringLoad || t.DependsOn.All(p => S.Tables.TryGetValue(p.ToString(), out var parent) && parent.Status == TableStatus.Completed))
            .OrderByDescending(t => t.EstimatedRows)
            .ThenBy(t => t.Wave)
            .FirstOrDefault();

    private async Task<bool> RunTableAsync(TablePlan table, int streams, CancellationToken cancellationToken)
    {
        var name = table.Table.ToString();
        var run = S.Tables[name];
        var command = S.Command!;
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _tableDone[name] = done;

        run.RowsTotal = await rowCounter.CountAsync(command.SourceConnectionString, table.Table, cancellationToken);
        run.Status = TableStatus.Running;
        run.Error = null;
        run.StartedAt ??= clock.GetUtcNow();
        run.RunStartedAt = clock.GetUtcNow();
        run.RowsCopiedThisRun = 0;
        run.BatchesThisRun = 0;
        run.Run = ++S.TableRuns;
        await EmitAsync(AgentId.MigrationExecution, new TableStartedPayload(name, run.RowsTotal, run.RowsCopied, table.WritePath, table.Wave));
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.MigrationExecution, AgentMessageType.TaskDelegation,
            $"copy {name}: {run.RowsTotal:N0} rows, {table.WritePath}, {table.PagingDescription}, pages from {run.CurrentBatchSize:N0} rows" +
            (streams > 1 ? $", {streams} key ranges side by side" : ""));
        await RecordControlAsync(name, run, "running", null);

        var request = WithEscalation(name, WithResourceLimits(table, new TableCopyRequest(Id, command.SourceConnectionString, command.TargetConnectionString, table,
            table.Mapping.Columns.Select(c => c.SourceColumn).ToList(), S.Plan!.Batch, command.Options.ControlSchema,
            command.Options.ValidateBatches)
        {
            Parallelism = streams,
            Mapping = command.Options.Mapping,
            Run = run.Run,
        }));
        var worker = TableGrain(name);
        await GrainFailover.CallAsync(() => worker.StartAsync(request), clock, cancellationToken);

        // Wait for the worker's report; meanwhile make sure it is still alive (a silo may have died with it).
        while (!done.Task.IsCompleted)
        {
            await Task.WhenAny(done.Task, Task.Delay(WorkerCheckInterval, clock, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (!done.Task.IsCompleted && !await GrainFailover.CallAsync(worker.IsRunningAsync, clock, cancellationToken) && !done.Task.IsCompleted)
            {
                LogWorkerRestarted(logger, Id, name);
                await GrainFailover.CallAsync(() => worker.StartAsync(request), clock, cancellationToken);
            }
        }

        // Seed L2: a failed table may be tried again with another strategy before a person is asked (L3).
        return await done.Task || (await ChangeStrategyAsync(table, cancellationToken) && await RunTableAsync(table, streams, cancellationToken));
    }

    private async Task RefreshFromCheckpointsAsync(CancellationToken cancellationToken)
    {
        var command = S.Command!;
        var checkpoints = await controlStore.GetCheckpointsAsync(command.TargetConnectionString, command.Options.ControlSchema, Id, cancellationToken);
        foreach (var group in checkpoints.GroupBy(c => c.Table))
        {
            if (!S.Tables.TryGetValue(group.Key, out var run))
            {
                continue;
            }

            run.RowsCopied = group.Sum(c => c.RowsCopied);
            run.BatchesCompleted = group.Sum(c => c.BatchesCompleted);
            if (group.All(c => c.Completed))
            {
                run.Status = TableStatus.Completed;
            }
            else if (run.Status is TableStatus.Running or TableStatus.Failed)
            {
                run.Status = TableStatus.Pending;
            }
        }
    }

    private async Task<ValidationReport> RunValidationAsync(CancellationToken cancellationToken)
    {
        var command = S.Command!;
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Validation, AgentMessageType.TaskDelegation,
            "validate every table: counts, content checksums, orphans", MessagePriority.High, requiresResponse: true);
        var results = new List<TableValidation>();
        foreach (var table in S.Plan!.Tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(await GrainFactory.GetGrain<IValidationGrain>(Id)
                .ValidateTableAsync(command.SourceConnectionString, command.TargetConnectionString, table, S.SourceCatalog!,
                    await QuarantineExclusionAsync(table, cancellationToken), command.Options.Mapping, Id));
        }

        var report = new ValidationReport(results, clock.GetUtcNow(), S.BatchesValidated);
        S.Validation = report;
        await EmitAsync(AgentId.Validation, new ValidationResultPayload(report));
        await journal.SendAsync(Id, AgentId.Validation, AgentId.Orchestrator, AgentMessageType.StatusUpdate, report.Summary,
            report.Passed ? MessagePriority.Medium : MessagePriority.Critical);
        return report;
    }

    private async Task ChangePhaseAsync(MigrationPhase to, string reason)
    {
        var from = S.Phase;
        S.Phase = to;
        await EmitAsync(AgentId.Orchestrator, new PhaseChangedPayload(from, to, reason));
        await OnDecisionPhaseAsync(to);
    }

    private async Task FailAsync(string message, AgentId agent, string operation, Exception? exception = null)
    {
        var postgres = exception as Npgsql.PostgresException ?? exception?.InnerException as Npgsql.PostgresException;
        S.Error = message;
        var error = new ErrorContext(agent, S.Phase, operation, null, 0, message, postgres?.SqlState, postgres?.ConstraintName,
            postgres?.Detail, S.StartedAt is null ? ["fix the cause and create the migration again"] : ["fix the cause and resume", "cancel"],
            $"phase {S.Phase}; {S.Tables.Count(t => t.Value.Status == TableStatus.Completed)} of {S.Tables.Count} tables copied",
            EscalationLevel: 3);
        await EmitAsync(agent, new ErrorPayload(error));
        await ChangePhaseAsync(MigrationPhase.Failed, message);
        await SaveAsync();
        if (S.StartedAt is null)
        {
            // Nothing was written: free the source/target pair so a corrected migration can be created.
            await FinishAsync();
        }
    }

    private async Task FinishAsync()
    {
        await registry.MarkFinishedAsync(Id, S.Command!.PairKey);
        await UnregisterReminderAsync();
        await SaveAsync();
    }

    private async Task UnregisterReminderAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task EmitAsync(AgentId agent, EventPayload payload) => await events.AppendAsync(Id, agent, payload);

    /// <summary>Writes the state; serialized because interleaved reports may save at the same time.</summary>
    private async Task SaveAsync()
    {
        await _saveLock.WaitAsync();
        try
        {
            _lastSave = clock.GetUtcNow();
            await state.WriteStateAsync();
        }
        finally
        {
            _saveLock.Release();
        }
    }

    private async Task SaveThrottledAsync()
    {
        var now = clock.GetUtcNow();
        if (now - _lastSave >= StateSaveInterval)
        {
            await SaveAsync();
        }
    }

    private async Task RecordControlAsync(string table, TableRunState run, string status, string? error)
    {
        var command = S.Command!;
        await controlStore.RecordTableStatusAsync(command.TargetConnectionString, command.Options.ControlSchema, new TableControlRecord(
            Id, S.Phase.ToString(), table, "copy", status, run.RowsCopied, run.RowsTotal, run.StartedAt, run.CompletedAt, error,
            run.CurrentBatchSize, RuntimeIdentity, null, null));
    }

    // Only the target can have changed since planning; the source catalog is kept in the state.
    private Task<Core.Catalog.DatabaseCatalog> ReadTargetAsync() =>
        catalogReader.ReadAsync(S.Command!.TargetConnectionString, Core.Catalog.CatalogFilter.All, exactCounts: true);

    private ITableCopyGrain TableGrain(string table) => GrainFactory.GetGrain<ITableCopyGrain>($"{Id}/{table}");

    private void CompleteWait(string table, bool success)
    {
        if (_tableDone.Remove(table, out var done))
        {
            done.TrySetResult(success);
        }
    }

    private void EnsureExists()
    {
        if (!S.Exists)
        {
            throw MigrationErrors.NotFound(Id);
        }
    }

    private double Rate(TableRunState run)
    {
        if (run.RunStartedAt is null || run.RowsCopiedThisRun == 0)
        {
            return 0;
        }

        var seconds = (clock.GetUtcNow() - run.RunStartedAt.Value).TotalSeconds;
        return seconds > 0 ? run.RowsCopiedThisRun / seconds : 0;
    }

    private async Task<MigrationSnapshot> SnapshotAsync()
    {
        var tables = S.Plan?.Tables.Select(t =>
        {
            var run = S.Tables.GetValueOrDefault(t.Table.ToString()) ?? new TableRunState();
            var rate = run.Status == TableStatus.Running ? Rate(run) : 0;
            TimeSpan? eta = run.Status switch
            {
                TableStatus.Completed => TimeSpan.Zero,
                TableStatus.Running when rate > 0 => TimeSpan.FromSeconds(Math.Max(0, run.RowsTotal - run.RowsCopied) / rate),
                _ => null,
            };
            return new TableProgressSnapshot(t.Table.ToString(), run.Status, run.RowsTotal, run.RowsCopied, rate, eta, run.CurrentBatchSize,
                run.BatchesCompleted, t.Wave, t.WritePath, run.LastBatchDuration,
                run.BatchesThisRun > 0 ? run.TotalBatchDuration / run.BatchesThisRun : TimeSpan.Zero, run.BatchSizeAdjustments,
                run.StartedAt, run.CompletedAt, run.Error)
            {
                RowsQuarantined = QuarantinedRows(t.Table.ToString()),
            };
        }).ToList() ?? [];

        var rowsTotal = tables.Sum(t => t.RowsTotal);
        var rowsCopied = tables.Sum(t => t.RowsCopied);
        var copiedThisRun = S.Tables.Values.Sum(t => t.RowsCopiedThisRun);
        var overallRate = S.Phase == MigrationPhase.Execution && S.ExecutionRunStartedAt is { } since && copiedThisRun > 0
            ? copiedThisRun / Math.Max(0.001, (clock.GetUtcNow() - since).TotalSeconds)
            : 0;
        TimeSpan? overallEta = overallRate > 0 ? TimeSpan.FromSeconds(Math.Max(0, rowsTotal - rowsCopied) / overallRate) : null;
        var command = S.Command;
        return new MigrationSnapshot(Id, S.Phase, S.PausedPhase, command?.SourceDescription ?? "", command?.TargetDescription ?? "",
            command?.Description ?? "", S.CreatedAt, S.StartedAt, S.CompletedAt, rowsTotal, rowsCopied, overallRate, overallEta, tables,
            S.Error, S.Validation, await events.LastSequenceAsync(Id), S.Plan, S.Approved, S.ApprovedBy, S.StartedBy);
    }

    private static string Describe(IReadOnlyDictionary<string, Core.Catalog.TableClass> classes) =>
        string.Join(", ", classes.Values.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] {Table}: ignored {What} from start {Run} (the current start is {Current})")]
    private static partial void LogStaleReport(ILogger logger, string migrationId, string table, string what, int run, int current);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] driver stopped")]
    private static partial void LogDriverStopped(ILogger logger, string migrationId);

    [LoggerMessage(Level = LogLevel.Error, Message = "[{MigrationId}] migration failed")]
    private static partial void LogDriverFailed(ILogger logger, string migrationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] the copy of {Table} was not running any more; started it again from its checkpoint")]
    private static partial void LogWorkerRestarted(ILogger logger, string migrationId, string table);
}
