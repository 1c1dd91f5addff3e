using Migration.Agents.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The mapping specification of a migration: reading it, replacing it before the migration starts (re-planned, to be
/// approved again), and the schema mismatch gate — mismatches only data reveals (source values a target enum lacks,
/// narrowing casts) found by the Data Mapping agent before any write, each a decision (adapt the data / change the
/// target). The plan cannot be approved while one waits: no answer means a safe wait, never a guess.
/// </summary>
public sealed partial class OrchestratorGrain
{
    public Task<MappingSpec?> GetMappingAsync() => Task.FromResult(S.Exists ? S.Command?.Options.Mapping : null);

    public async Task<MigrationSnapshot> UpdateMappingAsync(MappingSpec? spec, string updatedBy)
    {
        EnsureExists();
        ArgumentException.ThrowIfNullOrWhiteSpace(updatedBy);
        if (S.Phase != MigrationPhase.AwaitingApproval || S.StartedAt is not null)
        {
            throw MigrationErrors.WrongPhase(Id, S.Phase, "change the mapping of");
        }

        var command = S.Command!;
        var options = command.Options with { Mapping = spec };
        var plan = MigrationPlanner.Build(S.SourceCatalog!, await ReadTargetAsync(), options);
        var problems = await GrainFactory.GetGrain<IDataMappingGrain>(Id).VerifyAsync(command.TargetConnectionString, plan);
        plan = plan with { Problems = [.. plan.Problems, .. problems] };
        if (plan.IsEmpty || plan.HasBlockingProblems)
        {
            throw new InvalidOperationException("The mapping was not changed: the plan it gives has problems that must be fixed first: " +
                string.Join(" ", plan.Problems.Where(p => p.Severity == PlanProblemSeverity.Blocking).Select(p => p.Message)));
        }

        S.Command = command with { Options = options };
        plan = await WithMismatchDecisionsAsync(plan, MismatchRound() + 1, new HashSet<string>(StringComparer.Ordinal));
        plan = await WithMappedMissingParentDecisionsAsync(plan, null, fresh: true);
        S.Plan = plan;
        S.Approved = false;
        S.ApprovedBy = null;
        S.Tables = plan.Tables.ToDictionary(t => t.Table.ToString(),
            t => new TableRunState { RowsTotal = t.EstimatedRows, CurrentBatchSize = t.InitialBatchSize }, StringComparer.Ordinal);
        S.DecisionRaisedAt = clock.GetUtcNow();
        S.DecisionOverdueWarnings = 0;
        var now = clock.GetUtcNow();
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), "Change the mapping specification", [], "", "",
            spec is null ? "removed" : $"{spec.Tables.Count} table(s)", updatedBy, now, "the plan was made again and must be approved again"));
        await journal.SendAsync(Id, AgentId.User, AgentId.DataMapping, AgentMessageType.StatusUpdate,
            $"mapping specification replaced by {updatedBy} ({spec?.Tables.Count ?? 0} table(s)); plan made again");
        await EmitAsync(AgentId.Planning, new PlanReadyPayload(plan));
        await SaveAsync();
        return await SnapshotAsync();
    }

    /// <summary>Called while creating the migration, after planning: adds the schema mismatch decisions of a spec.</summary>
    private async Task<MigrationPlan> WithMismatchDecisionsAsync(MigrationPlan plan, int round, IReadOnlySet<string> adapted)
    {
        var command = S.Command!;
        if (command.Options.Mapping is null || plan.HasBlockingProblems)
        {
            return plan;
        }

        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.DataMapping, AgentMessageType.TaskDelegation,
            "sample the source for values the target cannot take (enums, narrowing casts)", MessagePriority.Medium, requiresResponse: true);
        var found = await GrainFactory.GetGrain<IDataMappingGrain>(Id)
            .FindMismatchesAsync(command.SourceConnectionString, command.TargetConnectionString, plan, round);
        var raised = found.Where(d => !adapted.Contains(MismatchSubject(d.Id))).ToList();
        if (raised.Count > 0)
        {
            await journal.SendAsync(Id, AgentId.DataMapping, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
                $"{raised.Count} schema mismatch(es) need a decision before anything is written", MessagePriority.High);
        }

        return plan with { Decisions = [.. plan.Decisions, .. raised] };
    }

    /// <summary>Carries out the answer to a schema mismatch decision: adapt the spec, or re-check a changed target.</summary>
    private async Task AnswerMismatchDecisionAsync(DecisionRequest request, string optionId, string answeredBy, DateTimeOffset now)
    {
        var command = S.Command!;
        var target = await ReadTargetAsync();
        var options = command.Options;
        if (optionId == MappingMismatches.AdaptOption && options.Mapping is { } spec)
        {
            options = options with { Mapping = MappingMismatches.Adapt(spec, request.Id, target) };
            S.Command = command with { Options = options };
        }

        var old = S.Plan!;
        var answered = request with { Answer = optionId, AnsweredBy = answeredBy, AnsweredAt = now };
        var kept = old.Decisions.Where(d => d.Id != request.Id).Append(answered).ToList();
        var plan = MigrationPlanner.Build(S.SourceCatalog!, target, options);
        if (optionId == MappingMismatches.ChangeTargetOption)
        {
            // The target may have changed: drop the open mismatch questions and look again (columns already adapted stay adapted).
            var adapted = kept.Where(d => MappingMismatches.IsMismatchDecision(d.Id) && d.Answer == MappingMismatches.AdaptOption)
                .Select(d => MismatchSubject(d.Id)).ToHashSet(StringComparer.Ordinal);
            kept = kept.Where(d => !MappingMismatches.IsMismatchDecision(d.Id) || d.Answer is not null).ToList();
            var fresh = await WithMismatchDecisionsAsync(plan with { Decisions = [] }, MismatchRound() + 1, adapted);
            kept.AddRange(fresh.Decisions);
        }

        S.Plan = plan with { Decisions = kept };
        S.Tables = S.Plan.Tables.ToDictionary(t => t.Table.ToString(),
            t => new TableRunState { RowsTotal = t.EstimatedRows, CurrentBatchSize = t.InitialBatchSize }, StringComparer.Ordinal);
        await EmitAsync(AgentId.Planning, new PlanReadyPayload(S.Plan));
    }

    /// <summary>Refuses the approval while a schema mismatch decision waits.</summary>
    private void EnsureNoOpenMismatches()
    {
        var open = S.Plan?.Decisions.Where(d => MappingMismatches.IsMismatchDecision(d.Id) && d.Answer is null).ToList() ?? [];
        if (open.Count > 0)
        {
            throw new InvalidOperationException(
                $"Migration '{Id}' waits for {open.Count} schema mismatch decision(s) before the plan can be approved: " +
                string.Join(" ", open.Select(d => $"[{d.Id}] {d.Question}")));
        }
    }

    private int MismatchRound() =>
        S.Plan?.Decisions.Where(d => MappingMismatches.IsMismatchDecision(d.Id))
            .Select(d => int.TryParse(d.Id.AsSpan(MappingMismatches.DecisionPrefix.Length, d.Id.IndexOf('-', MappingMismatches.DecisionPrefix.Length) - MappingMismatches.DecisionPrefix.Length),
                System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max() ?? 0;

    /// <summary>"t2-c5-enum" of "schema-mismatch-3-t2-c5-enum": what the decision is about, whatever its round.</summary>
    private static string MismatchSubject(string decisionId) =>
        decisionId[(decisionId.IndexOf('-', MappingMismatches.DecisionPrefix.Length) + 1)..];
}
