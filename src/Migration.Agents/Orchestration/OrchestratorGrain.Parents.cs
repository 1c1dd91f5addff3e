using Migration.Core.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Catalog;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The seed's "missing parents" decision gate. Before anything is written, every connection rule of a table in the
/// migration that points at a parent table left out of it is checked against the target, set-based
/// (<see cref="IMissingParentProbe"/>): when the target lacks parent rows, a decision is raised with the numbers and
/// the seed's options — migrate the parents first (the parent table is added to the selection and the plan made
/// again, the parent ahead of the child; recorded with its reason), skip them (the child rows whose parent is missing
/// are set aside for review in the quarantine, row by row, and the final check reports them), or stop. The plan
/// cannot be approved while one waits. During the copy, rows refused for a missing parent (SQLSTATE 23503) whose
/// parent table is in no plan raise the same decision, with the migration stopped safely until it is answered.
/// </summary>
public sealed partial class OrchestratorGrain
{
    private IMissingParentProbe? MissingParentProbe => ServiceProvider.GetService<IMissingParentProbe>();

    /// <summary>Adds a missing-parents decision per connection rule whose parent rows the target lacks (none already raised).</summary>
    private async Task<MigrationPlan> WithMissingParentDecisionsAsync(MigrationPlan plan, DatabaseCatalog target, CancellationToken cancellationToken)
    {
        plan = await WithMappedMissingParentDecisionsAsync(plan, target, fresh: false);
        if (plan.HasBlockingProblems || MissingParentProbe is not { } probe || S.SourceCatalog is null)
        {
            return plan;
        }

        var raisedBefore = S.MissingParents.Values.ToList();
        var references = MissingParents.References(plan, S.SourceCatalog, target)
            .Where(r => !raisedBefore.Exists(b => b.Child == r.Child && b.Rule == r.Rule))
            .ToList();
        if (references.Count == 0)
        {
            return plan;
        }

        var command = S.Command!;
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Validation, AgentMessageType.TaskDelegation,
            $"check that the target holds the parents of {references.Count} connection rule(s) pointing outside the migration", MessagePriority.Medium,
            requiresResponse: true);
        var round = MissingParentsRound() + 1;
        var raised = new List<DecisionRequest>();
        foreach (var reference in references)
        {
            var finding = await probe.ProbeAsync(command.SourceConnectionString, command.TargetConnectionString, reference, cancellationToken);
            if (!finding.HasMissingParents)
            {
                continue;
            }

            var decision = MissingParents.Decision(finding, round, raised.Count + 1,
                MissingParents.CanHoldPlaceholders(target.FindTable(reference.Parent), reference.ParentColumns));
            await RaiseBeforeWriteAsync(decision, reference, finding);
            raised.Add(decision);
        }

        if (raised.Count > 0)
        {
            await journal.SendAsync(Id, AgentId.Validation, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
                $"{raised.Count} connection rule(s) point at parents that are neither in the migration nor in the target; a person decides", MessagePriority.High);
        }

        return plan with { Decisions = [.. plan.Decisions, .. raised] };
    }

    /// <summary>A missing-parents decision raised before anything is written: remembered, logged and announced.</summary>
    private async Task RaiseBeforeWriteAsync(DecisionRequest decision, MissingParentReference reference, MissingParentFinding finding)
    {
        S.MissingParents[decision.Id] = reference;
        LogMissingParents(logger, Id, reference.Child.ToString(), reference.Rule, finding.MissingKeys, finding.ChildRows);
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(reference.Child.ToString(),
            $"A decision is needed before anything is written [{decision.Id}]: {decision.Question}"));
    }

    /// <summary>
    /// L2 for rows refused because their parent is missing (SQLSTATE 23503) once the error budget ran out: when the
    /// parent table is in the plan and not copied yet, the table is moved after it (recorded with the reason) and
    /// true runs it again; when the parent is in no plan, the missing-parents decision is raised (false: the migration
    /// stops safely until someone answers). Null: not about a connection rule of the target (the usual L2 applies).
    /// </summary>
    private async Task<bool?> MissingParentStepAsync(TablePlan table, TableEscalation escalation, ErrorContext error, CancellationToken cancellationToken)
    {
        if (error.SqlState != "23503" || error.Constraint is null || table.Mapping.Spec is not null)
        {
            return null; // a mapped table's parents are checked through its spec's references (orphan policies)
        }

        var target = await ReadTargetAsync();
        var key = target.FindTable(table.Mapping.Target)?.ForeignKeys.FirstOrDefault(f => f.Name == error.Constraint);
        if (key is null || key.IsSelfReference)
        {
            return null;
        }

        var name = table.Table.ToString();
        var parent = key.ReferencedTable.ToString();
        if (S.Tables.TryGetValue(parent, out var parentRun))
        {
            if (parentRun.Status == TableStatus.Completed || escalation.MovedLater)
            {
                return null; // the parent is there: the rows themselves are wrong (L3)
            }

            escalation.MovedLater = true;
            var change = $"moved after its parent {parent}: its rows point through {key.Name} to {parent} rows that are not copied yet";
            LogStrategyChanged(logger, Id, name, change, error.Message);
            await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), $"How to go on with {name} after its copy failed?",
                ["change the order", "ask a person"], "Low: committed pages are kept; the table continues from its checkpoint.", "change the order",
                change, "orchestrator", clock.GetUtcNow(), $"{error.Message} (SQLSTATE 23503)"));
            await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Planning, AgentMessageType.TaskDelegation,
                $"L2 {name}: re-planned, {change}", MessagePriority.High);
            await EmitAsync(AgentId.Orchestrator, new WarningPayload(name, $"Plan changed for {name}: {change}."));
            await SaveAsync();
            while (S.Tables[parent].Status is not (TableStatus.Completed or TableStatus.Failed))
            {
                await Task.Delay(MovedLaterPoll, clock, cancellationToken);
            }

            return true;
        }

        if (MissingParentProbe is not { } probe)
        {
            return null;
        }

        var command = S.Command!;
        var reference = new MissingParentReference(table.Table, key.Name, key.Columns, key.ReferencedTable, key.ReferencedColumns, true, true);
        var finding = await probe.ProbeAsync(command.SourceConnectionString, command.TargetConnectionString, reference, cancellationToken);
        if (!finding.HasMissingParents)
        {
            return null;
        }

        var decision = MissingParents.Decision(finding, MissingParentsRound() + 1, 1);
        S.MissingParents[decision.Id] = reference;
        S.MidRunMissingParents = decision;
        LogMissingParents(logger, Id, name, key.Name, finding.MissingKeys, finding.ChildRows);
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.User, AgentMessageType.StatusUpdate,
            $"{name}: rows point to {parent} records that are in no plan and not in the target; stopping safely for a decision", MessagePriority.Critical);
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(name, $"A decision is needed [{decision.Id}]: {decision.Question}"));
        await SaveAsync();
        return false;
    }

    /// <summary>Carries out the answer to a missing-parents decision.</summary>
    private async Task AnswerMissingParentsAsync(DecisionRequest request, string optionId, string answeredBy, string why, DateTimeOffset now)
    {
        var reference = S.MissingParents.GetValueOrDefault(request.Id)
            ?? throw new InvalidOperationException($"Decision '{request.Id}' names no connection rule any more.");
        var answered = request with { Answer = optionId, AnsweredBy = answeredBy, AnsweredAt = now };
        var midRun = S.StartedAt is not null;
        if (!midRun)
        {
            S.Plan = S.Plan! with { Decisions = S.Plan.Decisions.Where(d => d.Id != request.Id).Append(answered).ToList() };
        }
        else
        {
            S.MidRunMissingParents = null;
        }

        switch (optionId)
        {
            case MissingParents.StopOption:
                await CancelAsync($"stopped by {answeredBy}: rows of {reference.Child} point to {reference.Parent} records that are not in the new database" +
                    (why.Length > 0 ? $" ({why})" : ""));
                return;
            case MissingParents.SkipOption when reference.EntityType is not null:
                await SkipMappedOrphansAsync(reference, answeredBy, why);
                return;
            case MissingParents.SkipOption:
                EscalationOf(reference.Child.ToString()).SkipBadRows = true;
                await RecordReplanAsync(reference, $"{reference.Child} is copied without the rows whose {reference.Parent.Name} is missing: each is set aside for review (quarantine) and reported by the final check",
                    answeredBy, why);
                if (midRun)
                {
                    await ResumeAsync();
                }

                return;
            case MissingParents.PlaceholdersOption:
                S.PlaceholderParents.Add(reference);
                // Offered before the run only: the parent table must be measured at the recovery point for a rollback.
                await RecordReplanAsync(reference, $"a stand-in {reference.Parent} record (key only) is created for each one {reference.Child} needs, before it is copied; each is listed in placeholder_rows for review",
                    answeredBy, why);
                return;
            case MissingParents.ParentsFirstOption when reference.EntityType is not null:
                await AddMappedParentAsync(reference, answeredBy, why);
                return;
            default:
                await AddParentTableAsync(reference, answeredBy, why);
                return;
        }
    }

    /// <summary>
    /// The placeholder parents answered for (once per connection rule; after the recovery point, so a rollback removes
    /// them): one set-based insert each, reported as a warning, in the journal and the decision history.
    /// </summary>
    private async Task CreatePlaceholderParentsAsync(CancellationToken cancellationToken)
    {
        if (S.Command is not { } command || ServiceProvider.GetService<IParentPlaceholders>() is not { } placeholders)
        {
            return;
        }

        foreach (var reference in S.PlaceholderParents.Where(r => !S.PlaceholdersCreated.Contains(PlaceholderKey(r))).ToList())
        {
            var created = await placeholders.CreateAsync(Id, command.SourceConnectionString, command.TargetConnectionString,
                command.Options.ControlSchema, reference, cancellationToken);
            S.PlaceholdersCreated.Add(PlaceholderKey(reference));
            await SaveAsync();
            var text = $"{created:N0} placeholder {reference.Parent} record(s) created (key only) for the rows of {reference.Child} that point to them through {reference.Rule}; " +
                $"find them in {command.Options.ControlSchema}.placeholder_rows and complete them";
            await journal.SendAsync(Id, AgentId.MigrationExecution, AgentId.Orchestrator, AgentMessageType.StatusUpdate, text, MessagePriority.High);
            await EmitAsync(AgentId.MigrationExecution, new WarningPayload(reference.Parent.ToString(), text));
        }
    }

    /// <summary>The parent tables that get placeholders (measured at the recovery point; part of a whole rollback).</summary>
    private IEnumerable<QualifiedName> PlaceholderParentTables() => S.PlaceholderParents.Select(r => r.Parent).Distinct();

    private static string PlaceholderKey(MissingParentReference reference) => $"{reference.Child}|{reference.Rule}";

    /// <summary>"Migrate the parents first": the parent table joins the selection; the plan is made again (parent ahead of the child).</summary>
    private async Task AddParentTableAsync(MissingParentReference reference, string answeredBy, string why)
    {
        var command = S.Command!;
        var options = WithTable(command.Options, reference.Parent);
        if (!options.Filter.IncludesTable(reference.Parent))
        {
            throw new InvalidOperationException(
                $"{reference.Parent} cannot be added: its schema is left out of the migration. Change the selection and create the migration again.");
        }

        var source = await catalogReader.ReadAsync(command.SourceConnectionString, options.Filter, exactCounts: false);
        var target = await ReadTargetAsync();
        var plan = MigrationPlanner.Build(source, target, options);
        if (plan.HasBlockingProblems)
        {
            throw new InvalidOperationException($"{reference.Parent} was not added: the plan it gives has problems that must be fixed first: " +
                string.Join(" ", plan.Problems.Where(p => p.Severity == PlanProblemSeverity.Blocking).Select(p => p.Message)));
        }

        var midRun = S.StartedAt is not null;
        S.Command = command with { Options = options };
        S.SourceCatalog = source;
        var old = S.Plan!;
        var kept = old.Decisions.ToList();
        kept.AddRange(plan.Decisions.Where(d => kept.TrueForAll(k => k.Id != d.Id)));
        plan = await WithMissingParentDecisionsAsync(plan with { Decisions = kept }, target, CancellationToken.None);
        S.Plan = plan;
        foreach (var table in plan.Tables.Where(t => !S.Tables.ContainsKey(t.Table.ToString())))
        {
            S.Tables[table.Table.ToString()] = new TableRunState { RowsTotal = table.EstimatedRows, CurrentBatchSize = table.InitialBatchSize };
        }

        if (!midRun)
        {
            S.Approved = false;
            S.ApprovedBy = null;
        }

        var child = plan.Tables.FirstOrDefault(t => t.Table == reference.Child);
        var parent = plan.Tables.FirstOrDefault(t => t.Table == reference.Parent);
        await RecordReplanAsync(reference,
            $"{reference.Parent} added to the migration{(parent is null ? "" : $" (wave {parent.Wave})")}, copied before {reference.Child}{(child is null ? "" : $" (wave {child.Wave})")}; the plan was made again",
            answeredBy, why);
        await EmitAsync(AgentId.Planning, new PlanReadyPayload(plan));
        if (midRun)
        {
            if (parent is not null && parent.CreateInTarget)
            {
                await schemaBuilder.PrepareAsync(S.Command.TargetConnectionString, source, plan, CancellationToken.None);
            }

            await ResumeAsync();
        }
    }

    private async Task RecordReplanAsync(MissingParentReference reference, string change, string answeredBy, string why)
    {
        var reason = $"rows of {reference.Child} point through {reference.Rule} to {reference.Parent} records that are not in the new database";
        await decisions.RecordAsync(Id, new DecisionRecord(Guid.NewGuid().ToString("N"), $"Change the plan for the missing parents of {reference.Child}?",
            [], "", "", change, answeredBy, clock.GetUtcNow(), why.Length > 0 ? $"{reason}; {why}" : reason));
        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Planning, AgentMessageType.StatusUpdate, $"re-planned: {change}. Reason: {reason}", MessagePriority.High);
        await EmitAsync(AgentId.Orchestrator, new WarningPayload(reference.Child.ToString(), $"Plan changed: {change}. Reason: {reason}."));
    }

    /// <summary>Refuses the approval while a missing-parents decision waits.</summary>
    private void EnsureNoOpenMissingParents()
    {
        var open = S.Plan?.Decisions.Where(d => MissingParents.IsMissingParentsDecision(d.Id) && d.Answer is null).ToList() ?? [];
        if (open.Count > 0)
        {
            throw new InvalidOperationException(
                $"Migration '{Id}' waits for {open.Count} missing-parents decision(s) before the plan can be approved: " +
                string.Join(" ", open.Select(d => $"[{d.Id}] {d.Question}")));
        }
    }

    private int MissingParentsRound() => S.MissingParents.Keys.Select(MissingParents.RoundOf).DefaultIfEmpty(0).Max();

    /// <summary>The selection with <paramref name="table"/> in it (no longer excluded; named when tables are listed).</summary>
    private static MigrationOptions WithTable(MigrationOptions options, QualifiedName table)
    {
        var name = table.ToString();
        return options with
        {
            ExcludeTables = options.ExcludeTables.Where(t => t != name && t != table.Name).ToList(),
            IncludeTables = options.IncludeTables.Count == 0 || options.IncludeTables.Contains(name) ? options.IncludeTables : [.. options.IncludeTables, name],
            IncludeSchemas = options.IncludeSchemas.Count == 0 || options.IncludeSchemas.Contains(table.Schema) ? options.IncludeSchemas : [.. options.IncludeSchemas, table.Schema],
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] {Table}: connection rule {Rule} points at {MissingKeys} parent key(s) ({ChildRows} rows) neither migrated nor in the target; decision raised")]
    private static partial void LogMissingParents(ILogger logger, string migrationId, string table, string rule, long missingKeys, long childRows);
}
