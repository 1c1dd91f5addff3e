using System.Globalization;
using Migration.Agents.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Catalog;
using Migration.Core.Events;
using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Agents.Orchestration;

/// <summary>
/// The missing-parents gate for mapped migrations (a mapping spec), on the same machinery as the same-schema gate
/// (<see cref="MissingParents"/>: the decision card, its id, its words in the chat, the answer RPC). A reference of the
/// spec that names an entity no table of the spec produces, but whose table exists in the source
/// (<see cref="MappedMissingParents"/>), is checked before anything is written: the child's distinct legacy ids are
/// streamed into the target and anti-joined with migration_mappings (parents migrated before, by any migration, or
/// placeholders). When parents are missing, the decision offers: migrate the parents first (the parent table joins the
/// spec with its suggested mapping — refused with the reason when it cannot be mapped automatically — and the plan is
/// made again, to be approved again), create placeholders (key and legacy id only; the id is the one a child computes,
/// recorded in migration_mappings and placeholder_rows, removed by a rollback), skip them (the reference's orphans are
/// skipped and listed for review, counted in mapping_outcomes), or stop.
/// </summary>
public sealed partial class OrchestratorGrain
{
    /// <summary>Adds a missing-parents decision per spec reference whose parents the target lacks (none already raised).</summary>
    /// <param name="fresh">The spec was replaced: decisions about the previous spec's references no longer hold.</param>
    private async Task<MigrationPlan> WithMappedMissingParentDecisionsAsync(MigrationPlan plan, DatabaseCatalog? target, bool fresh)
    {
        if (plan.HasBlockingProblems || MissingParentProbe is not { } probe || S.SourceCatalog is null || S.Command is not { Options.Mapping: { } spec } command)
        {
            return plan;
        }

        if (fresh)
        {
            foreach (var id in S.MissingParents.Where(p => p.Value.EntityType is not null).Select(p => p.Key).ToList())
            {
                S.MissingParents.Remove(id);
            }

            S.PlaceholderParents.RemoveAll(r => r.EntityType is not null && !S.PlaceholdersCreated.Contains(PlaceholderKey(r)));
        }

        target ??= await ReadTargetAsync();
        var raisedBefore = S.MissingParents.Values.ToList();
        var references = MappedMissingParents.References(plan, spec, S.SourceCatalog, target, command.Options.ControlSchema)
            .Where(r => !raisedBefore.Exists(b => b.Child == r.Child && b.Rule == r.Rule))
            .ToList();
        if (references.Count == 0)
        {
            return plan;
        }

        await journal.SendAsync(Id, AgentId.Orchestrator, AgentId.Validation, AgentMessageType.TaskDelegation,
            $"check that the target holds the parents of {references.Count} mapping reference(s) to entities no table of the specification produces",
            MessagePriority.Medium, requiresResponse: true);
        var round = MissingParentsRound() + 1;
        var raised = new List<DecisionRequest>();
        foreach (var reference in references)
        {
            var finding = await probe.ProbeAsync(command.SourceConnectionString, command.TargetConnectionString, reference, CancellationToken.None);
            if (!finding.HasMissingParents)
            {
                continue;
            }

            string? refusal = null;
            if (finding.ParentInSource && finding.ParentTargetRows == 0)
            {
                (_, refusal) = await ParentFirstSpecAsync(reference, target);
            }

            var decision = MissingParents.Decision(finding with { ParentInSource = finding.ParentInSource && refusal is null }, round, raised.Count + 1,
                MappedMissingParents.CanHoldPlaceholders(reference, target));
            if (refusal is not null)
            {
                decision = decision with { Question = $"{decision.Question} (Migrating the parents first is not offered: {refusal}.)" };
            }

            await RaiseBeforeWriteAsync(decision, reference, finding);
            raised.Add(decision);
        }

        if (raised.Count > 0)
        {
            await journal.SendAsync(Id, AgentId.Validation, AgentId.Orchestrator, AgentMessageType.StatusUpdate,
                $"{raised.Count} mapping reference(s) point at parents that are neither in the specification nor in the target; a person decides", MessagePriority.High);
        }

        return plan with { Decisions = [.. plan.Decisions, .. raised] };
    }

    /// <summary>
    /// The options with the parent table selected and the spec with the parent's suggested mapping (sampled values, the
    /// reference's entity type), or why the parent cannot be mapped automatically.
    /// </summary>
    private async Task<((MigrationOptions Options, DatabaseCatalog Source, MappingSpec Spec)? Result, string? Refusal)> ParentFirstSpecAsync(
        MissingParentReference reference, DatabaseCatalog target)
    {
        var command = S.Command!;
        var parentSource = reference.ParentSource!;
        var options = WithTable(command.Options, parentSource);
        if (!options.Filter.IncludesTable(parentSource))
        {
            return (null, $"{parentSource} is in a schema left out of the migration");
        }

        var source = S.SourceCatalog!.FindTable(parentSource) is not null
            ? S.SourceCatalog
            : await catalogReader.ReadAsync(command.SourceConnectionString, options.Filter, exactCounts: false);
        var suggestion = await GrainFactory.GetGrain<IDataMappingGrain>(Id)
            .SuggestAsync(command.SourceConnectionString, command.TargetConnectionString, options.Filter, MappingSuggester.DefaultThreshold);
        var (spec, refusal) = MappedMissingParents.WithParent(command.Options.Mapping!, reference, suggestion, source, target);
        return spec is null ? (null, refusal) : ((options with { Mapping = spec }, source, spec), null);
    }

    /// <summary>"Skip them" for a mapped reference: its orphans are skipped and listed for review; the plan is made again.</summary>
    private async Task SkipMappedOrphansAsync(MissingParentReference reference, string answeredBy, string why)
    {
        var command = S.Command!;
        var options = command.Options with { Mapping = MappedMissingParents.SkippingOrphans(command.Options.Mapping!, reference) };
        S.Command = command with { Options = options };
        var plan = MigrationPlanner.Build(S.SourceCatalog!, await ReadTargetAsync(), options);
        S.Plan = plan with { Decisions = S.Plan!.Decisions };
        await RecordReplanAsync(reference,
            $"{reference.Child} is copied without the rows whose {reference.EntityType} is not in the new database: each is skipped and listed for review (quarantine, reason orphan), counted in mapping_outcomes and reconciled by the final check",
            answeredBy, why);
        await EmitAsync(AgentId.Planning, new PlanReadyPayload(S.Plan));
    }

    /// <summary>"Migrate the parents first" for a mapped reference: the parent joins the spec (suggested mapping); the plan is made again and must be approved again.</summary>
    private async Task AddMappedParentAsync(MissingParentReference reference, string answeredBy, string why)
    {
        var target = await ReadTargetAsync();
        var (result, refusal) = await ParentFirstSpecAsync(reference, target);
        if (result is not { } added)
        {
            throw new InvalidOperationException(
                $"{reference.ParentSource} cannot be migrated first: {refusal}. Choose another answer, or add it to the mapping specification yourself.");
        }

        var plan = MigrationPlanner.Build(added.Source, target, added.Options);
        var problems = await GrainFactory.GetGrain<IDataMappingGrain>(Id).VerifyAsync(S.Command!.TargetConnectionString, plan);
        plan = plan with { Problems = [.. plan.Problems, .. problems] };
        if (plan.HasBlockingProblems)
        {
            throw new InvalidOperationException($"{reference.ParentSource} was not added: the plan it gives has problems that must be fixed first: " +
                string.Join(" ", plan.Problems.Where(p => p.Severity == PlanProblemSeverity.Blocking).Select(p => p.Message)));
        }

        S.Command = S.Command with { Options = added.Options };
        S.SourceCatalog = added.Source;
        var kept = S.Plan!.Decisions.ToList();
        kept.AddRange(plan.Decisions.Where(d => kept.TrueForAll(k => k.Id != d.Id)));

        // The parent's data may hold values its target cannot take: asked like every mismatch (only the new table's).
        var index = added.Spec.Tables.Count - 1;
        var mismatches = await WithMismatchDecisionsAsync(plan with { Decisions = [] }, MismatchRound() + 1, new HashSet<string>(StringComparer.Ordinal));
        kept.AddRange(mismatches.Decisions.Where(d => MismatchSubject(d.Id).StartsWith(string.Create(CultureInfo.InvariantCulture, $"t{index}-"), StringComparison.Ordinal)));
        plan = await WithMappedMissingParentDecisionsAsync(plan with { Decisions = kept }, target, fresh: false);
        S.Plan = plan;
        foreach (var table in plan.Tables.Where(t => !S.Tables.ContainsKey(t.Table.ToString())))
        {
            S.Tables[table.Table.ToString()] = new TableRunState { RowsTotal = table.EstimatedRows, CurrentBatchSize = table.InitialBatchSize };
        }

        S.Approved = false;
        S.ApprovedBy = null;
        var child = plan.Tables.FirstOrDefault(t => t.Table == reference.Child);
        var parent = plan.Tables.FirstOrDefault(t => t.Table == reference.ParentSource);
        await RecordReplanAsync(reference,
            $"{reference.ParentSource} added to the mapping specification onto {reference.Parent} (entity {reference.EntityType}, the suggested mapping)" +
            $"{(parent is null ? "" : $" (wave {parent.Wave})")}, copied before {reference.Child}{(child is null ? "" : $" (wave {child.Wave})")}; the plan was made again",
            answeredBy, why);
        await EmitAsync(AgentId.Planning, new PlanReadyPayload(plan));
    }
}
