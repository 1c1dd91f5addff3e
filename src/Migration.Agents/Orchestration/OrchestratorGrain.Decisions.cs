using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The orchestrator's decision gates: what waits for a person (built on the plan's DecisionRequests, the plan approval
/// and a failed run's recovery), answering one through the same methods as the API, and the overdue report of a wait
/// (a warning event in the event log, so WatchMigration shows it). No answer never means a guess.
/// </summary>
public sealed partial class OrchestratorGrain
{
    private const string ApproveAndStartOption = "approve-and-start";
    private const string ApproveOption = "approve";
    private const string RejectOption = "reject";
    private const string ResumeOption = "resume";
    private const string CancelOption = "cancel";

    private TimeSpan DecisionTimeout =>
        ServiceProvider.GetService<IOptions<DecisionGateOptions>>()?.Value.DecisionTimeout is { } timeout && timeout > TimeSpan.Zero
            ? timeout
            : new DecisionGateOptions().DecisionTimeout;

    public Task<IReadOnlyList<PendingDecision>> GetPendingDecisionsAsync() => Task.FromResult<IReadOnlyList<PendingDecision>>(PendingDecisions());

    public async Task<DecisionAnswer> AnswerDecisionAsync(string decisionId, string optionId, string answeredBy, string? reason)
    {
        EnsureExists();
        ArgumentException.ThrowIfNullOrWhiteSpace(decisionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(answeredBy);
        var pending = PendingDecisions().FirstOrDefault(p => string.Equals(p.Request.Id, decisionId, StringComparison.Ordinal));
        if (pending is null)
        {
            var answered = AnsweredText(decisionId);
            throw answered is not null
                ? new InvalidOperationException($"Decision '{decisionId}' of migration '{Id}' was already answered: {answered}. Nothing was changed.")
                : new KeyNotFoundException($"Migration '{Id}' has no pending decision '{decisionId}'.");
        }

        var option = pending.Request.Options.FirstOrDefault(o => string.Equals(o.Id, optionId, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"Decision '{decisionId}' has no option '{optionId}'; choose one of: {string.Join(", ", pending.Request.Options.Select(o => o.Id))}.",
                nameof(optionId));
        var why = reason ?? "";
        var now = clock.GetUtcNow();
        var record = new DecisionRecord(pending.Request.Id, pending.Request.Question, pending.Request.Options.Select(o => o.Id).ToList(),
            pending.Request.RiskAssessment, pending.Request.Recommendation, option.Id, answeredBy, now, why);
        S.AnsweredDecisions[pending.Request.Id] = $"'{option.Id}' by {answeredBy} at {now:u}";
        await journal.SendAsync(Id, AgentId.User, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
            $"decision {pending.Request.Id}: {option.Id} by {answeredBy}{(why.Length > 0 ? $" ({why})" : "")}");

        switch (pending.Gate)
        {
            case DecisionGate.ForeignKeys:
                await decisions.RecordAsync(Id, record);
                await AnswerForeignKeyDecisionAsync(pending.Request, option.Id, answeredBy, now);
                await SaveAsync();
                break;
            case DecisionGate.SchemaMismatch when Core.Mapping.MappingMismatches.IsMismatchDecision(pending.Request.Id):
                await decisions.RecordAsync(Id, record);
                await AnswerMismatchDecisionAsync(pending.Request, option.Id, answeredBy, now);
                await SaveAsync();
                break;
            case DecisionGate.MissingParents:
                await decisions.RecordAsync(Id, record);
                await AnswerMissingParentsAsync(pending.Request, option.Id, answeredBy, why, now);
                break;
            case DecisionGate.PlanApproval when option.Id == RejectOption:
                await decisions.RecordAsync(Id, record);
                await CancelAsync($"plan rejected by {answeredBy}{(why.Length > 0 ? ": " + why : "")}");
                break;
            case DecisionGate.PlanApproval:
                // ApproveAsync records the approval itself (with this decision's id).
                await ApproveAsync(answeredBy, ForeignKeyMode.Unspecified, why.Length > 0 ? why : null);
                if (option.Id == ApproveAndStartOption)
                {
                    await StartAsync(answeredBy, autoApprove: false);
                }

                break;
            case DecisionGate.MigrationError when option.Id is SkipBadRowsOption or RollbackRetryOption:
                await decisions.RecordAsync(Id, record);
                await AnswerEscalationAsync(option.Id, answeredBy, why);
                break;
            case DecisionGate.MigrationError or DecisionGate.Orphans when option.Id == ResumeOption:
                await decisions.RecordAsync(Id, record);
                await ResumeAsync();
                break;
            default:
                await decisions.RecordAsync(Id, record);
                await CancelAsync($"cancelled by {answeredBy} after the failure{(why.Length > 0 ? ": " + why : "")}");
                break;
        }

        await SaveAsync();
        return new DecisionAnswer(record, await SnapshotAsync());
    }

    private List<PendingDecision> PendingDecisions()
    {
        var pending = new List<PendingDecision>();
        if (!S.Exists || S.Plan is null)
        {
            return pending;
        }

        var raised = S.DecisionRaisedAt ?? S.CreatedAt;
        var overdue = raised + DecisionTimeout;
        if (S.Phase == MigrationPhase.AwaitingApproval && !S.Approved)
        {
            foreach (var request in S.Plan.Decisions.Where(d => d.Answer is null))
            {
                var gate = request.Id == MigrationPlanner.ForeignKeyDecisionId ? DecisionGate.ForeignKeys
                    : MissingParents.IsMissingParentsDecision(request.Id) ? DecisionGate.MissingParents : DecisionGate.SchemaMismatch;
                pending.Add(new PendingDecision(request, gate, raised, overdue));
            }

            pending.Add(new PendingDecision(PlanApprovalRequest(S.Plan), DecisionGate.PlanApproval, raised, overdue));
        }
        else if (S.Phase == MigrationPhase.Failed && S.Approved && S.StartedAt is not null && S.MidRunMissingParents is { } parents)
        {
            pending.Add(new PendingDecision(parents, DecisionGate.MissingParents, raised, overdue) { Error = EscalatedError() });
        }
        else if (S.Phase == MigrationPhase.Failed && S.Approved && S.StartedAt is not null)
        {
            var orphans = S.Validation?.Tables.Sum(t => t.OrphanRows) ?? 0;
            pending.Add(new PendingDecision(WithEscalationOptions(FailureRequest(orphans)), orphans > 0 ? DecisionGate.Orphans : DecisionGate.MigrationError, raised, overdue)
            {
                Error = EscalatedError(),
            });
        }

        return pending;
    }

    private static DecisionRequest PlanApprovalRequest(MigrationPlan plan) => new(
        DecisionIds.PlanApproval,
        $"Approve the migration plan? {plan.Summary}",
        [
            new DecisionOption(ApproveAndStartOption, "Approve and start",
                "Approve the plan and start copying now, table by table in the planned order.",
                "Low: the source is only read; every page is checked and saved before the next, so a stop can continue where it left off.", true),
            new DecisionOption(ApproveOption, "Approve, start later",
                "Approve the plan; the copy starts when someone starts it.", "None until it starts.", false),
            new DecisionOption(RejectOption, "Reject the plan",
                "Cancel this migration. Nothing has been written to the target.", "None: nothing was written.", false),
        ],
        "Nothing is written to the target before the plan is approved. The source is never changed.",
        "Approve and start: the plan follows the connection rules between tables, so parents are copied before the rows that point to them.");

    private DecisionRequest FailureRequest(long orphans) => new(
        $"{DecisionIds.MigrationError}-{S.FailureDecisions}",
        orphans > 0
            ? $"The migration stopped: {orphans:N0} row(s) point to data that is not there (data that lost its connection). {S.Error} What should happen now?"
            : $"The migration stopped: {S.Error} What should happen now?",
        [
            new DecisionOption(ResumeOption, "Fix the cause, then continue",
                "Continue from the last saved point once the cause is fixed; pages already copied are not copied again.",
                "Low: every saved page stays; if the cause is still there it stops again at the same place.", true),
            new DecisionOption(CancelOption, "Stop for good",
                "End this migration here. Rows already copied stay in the target.",
                "Medium: the target is left partly loaded until it is cleaned up or a new migration is run.", false),
        ],
        "Nothing more is written while this waits. Rows already copied are kept and checked; nothing is copied twice.",
        "Fix the cause, then continue.");

    private async Task AnswerForeignKeyDecisionAsync(DecisionRequest request, string optionId, string answeredBy, DateTimeOffset now)
    {
        var chosen = optionId == "keep" ? ForeignKeyMode.Keep : ForeignKeyMode.RecreateAfterLoad;
        var plan = S.Plan!;
        if (chosen != plan.ForeignKeyMode)
        {
            var options = S.Command!.Options with { ForeignKeyMode = chosen };
            S.Command = S.Command with { Options = options };
            plan = MigrationPlanner.Build(S.SourceCatalog!, await ReadTargetAsync(), options);
        }

        var answered = request with { Answer = optionId, AnsweredBy = answeredBy, AnsweredAt = now };
        S.Plan = plan with { Decisions = plan.Decisions.Where(d => d.Id != request.Id).Append(answered).ToList() };
    }

    private string? AnsweredText(string decisionId)
    {
        if (S.AnsweredDecisions.TryGetValue(decisionId, out var text))
        {
            return text;
        }

        if (decisionId == DecisionIds.PlanApproval && S.Approved)
        {
            return $"approved by {S.ApprovedBy}";
        }

        return S.Plan?.Decisions.FirstOrDefault(d => d.Id == decisionId && d.Answer is not null) is { } answered
            ? $"'{answered.Answer}' by {answered.AnsweredBy}"
            : null;
    }

    /// <summary>Called on every phase change: entering a phase that waits for a person raises its decisions.</summary>
    private async Task OnDecisionPhaseAsync(MigrationPhase to)
    {
        if (to is not (MigrationPhase.AwaitingApproval or MigrationPhase.Failed))
        {
            return;
        }

        S.DecisionRaisedAt = clock.GetUtcNow();
        S.DecisionOverdueWarnings = 0;
        if (to == MigrationPhase.Failed)
        {
            S.FailureDecisions++;
        }

        if (to == MigrationPhase.AwaitingApproval)
        {
            // Keeps the grain (and so the overdue check) coming back while the plan waits.
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }

        StartDecisionTimer();
    }

    private void StartDecisionTimer()
    {
        if (_decisionTimer is not null)
        {
            return;
        }

        var period = TimeSpan.FromTicks(Math.Clamp(DecisionTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(1).Ticks));
        _decisionTimer = this.RegisterGrainTimer(CheckDecisionWaitAsync, period, period);
    }

    /// <summary>Reports a decision that has waited longer than the timeout (once per timeout elapsed).</summary>
    private async Task CheckDecisionWaitAsync(CancellationToken cancellationToken)
    {
        var pending = PendingDecisions();
        if (pending.Count == 0)
        {
            return;
        }

        var waited = clock.GetUtcNow() - pending[0].RaisedAt;
        var due = (int)Math.Min(int.MaxValue, waited.Ticks / DecisionTimeout.Ticks);
        if (due <= S.DecisionOverdueWarnings)
        {
            return;
        }

        S.DecisionOverdueWarnings = due;
        var questions = string.Join(" ", pending.Select(p => $"[{p.Request.Id}] {p.Request.Question}"));
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(null,
            $"A decision has waited {Minutes(waited)} without an answer (timeout {Minutes(DecisionTimeout)}): {questions} " +
            "Nothing is written and nothing is guessed: the migration stays safely paused until someone answers."));
        await SaveAsync();
    }

    private static string Minutes(TimeSpan span) =>
        span < TimeSpan.FromMinutes(1) ? $"{Math.Max(1, (int)span.TotalSeconds)} s" : $"{(int)span.TotalMinutes} min";
}
