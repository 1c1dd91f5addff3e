using Migration.Cli.Display;
using Migration.Cli.Rendering;
using Migration.Cli.Watching;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>The steps `run`, `plan`, `start` and `watch` share: wait for the plan, approve it, start, watch to the end.</summary>
internal static class MigrationFlow
{
    /// <summary>The plan of a new migration; when the server is still analysing, follows its events until the plan is ready.</summary>
    public static async Task<MigrationPlan> WaitForPlanAsync(
        CommandContext context, MigrationInfo migration, MigrationPlan? plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(migration);
        if (plan is { MigrationId.Length: > 0 })
        {
            return plan;
        }

        if (migration.Phase is MigrationPhase.Created or MigrationPhase.Discovery or MigrationPhase.Planning or MigrationPhase.Mapping)
        {
            context.Notice($"analysing source and target for migration {migration.Id}…");
            var observer = (IWatchObserver?)context.Json ?? new PlainProgressWriter(context.Environment.Out, new MigrationProgress(context.Time), context.Time);
            var result = await context.CreateWatcher().WatchAsync(
                new WatchRequest(migration, 0, e => e.KindCase == MigrationEvent.KindOneofCase.PlanReady
                    || e is { KindCase: MigrationEvent.KindOneofCase.PhaseChanged, PhaseChanged.To: MigrationPhase.AwaitingApproval }),
                observer,
                cancellationToken);
            if (result.Reason != WatchStopReason.Condition)
            {
                var outcome = MigrationOutcome.From(result, migration.Id, context.Server, context.Environment.Reconnect);
                throw new CliException(
                    result.Reason is WatchStopReason.Terminal ? ExitCodes.Failed : outcome.ExitCode,
                    result.Reason is WatchStopReason.Terminal ? "no plan: " + outcome.Message : outcome.Message);
            }
        }

        var response = await context.Client.GetPlanAsync(new GetPlanRequest { MigrationId = migration.Id }, cancellationToken: cancellationToken);
        return response.Plan ?? throw new CliException($"the server returned no plan for migration {migration.Id}");
    }

    /// <summary>Shows the plan (people) or writes it (--json).</summary>
    public static void ShowPlan(CommandContext context, MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Json is { } json)
        {
            json.Write("plan", plan);
        }
        else
        {
            PlanRenderer.Render(context.Console, plan);
            context.Console.WriteLine();
        }
    }

    /// <summary>Fails with the usage code when the plan has blocking problems (nothing can be approved).</summary>
    public static void EnsureApprovable(MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var blocking = plan.Problems.Where(p => p.Severity == PlanProblem.Types.Severity.Blocking).ToList();
        if (blocking.Count > 0)
        {
            var first = blocking[0];
            var where = string.IsNullOrEmpty(first.Table) ? string.Empty : first.Table + (string.IsNullOrEmpty(first.Column) ? string.Empty : "." + first.Column) + ": ";
            throw CliException.Usage(
                $"the plan has {blocking.Count} blocking problem(s) ({where}{first.Message}); nothing was written — fix them and run again");
        }
    }

    /// <summary>
    /// Approves the plan: with --yes directly (the foreign key decision takes --fk-mode or the recommendation),
    /// otherwise by asking on stdin. Nobody to ask or a "no" ends the command with exit code 3.
    /// </summary>
    public static async Task ApproveAsync(
        CommandContext context, MigrationPlan plan, bool yes, ForeignKeyMode foreignKeyMode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Approved)
        {
            return;
        }

        EnsureApprovable(plan);
        var id = plan.MigrationId;
        var decision = plan.Decisions.FirstOrDefault(ForeignKeyModes.IsPendingForeignKeyDecision);
        if (!yes)
        {
            var prompt = new ApprovalPrompt(context.Environment.In, context.IsJson ? context.Environment.Error : context.Environment.Out);
            if (decision is not null && foreignKeyMode == ForeignKeyMode.Unspecified)
            {
                var option = await prompt.ChooseAsync(decision, cancellationToken) ?? throw NobodyToAsk();
                foreignKeyMode = ForeignKeyModes.FromOptionId(option.Id);
            }

            var approved = await prompt.ConfirmAsync("Approve this plan? [y/N] ", cancellationToken) ?? throw NobodyToAsk();
            if (!approved)
            {
                throw new CliException(ExitCodes.ApprovalRefused,
                    $"plan not approved; nothing was written. Migration {id} waits for approval: migration start {id}");
            }
        }
        else if (decision is not null && foreignKeyMode == ForeignKeyMode.Unspecified)
        {
            var recommended = decision.Options.FirstOrDefault(o => o.Recommended);
            context.Notice($"foreign keys: taking the recommendation{(recommended is null ? string.Empty : $" ({recommended.Title})")}");
        }

        var response = await context.Client.ApprovePlanAsync(
            new ApprovePlanRequest
            {
                MigrationId = id,
                ApprovedBy = context.Environment.UserName,
                ForeignKeyMode = foreignKeyMode,
                Comment = yes ? "approved with --yes" : "approved at the prompt",
            },
            cancellationToken: cancellationToken);
        if (context.Json is { } json && response.Migration is not null)
        {
            json.Write("migration", response.Migration);
        }
        else
        {
            context.Notice($"plan approved{(foreignKeyMode == ForeignKeyMode.Unspecified ? string.Empty : $"; foreign keys: {DisplayNames.Of(foreignKeyMode)}")}");
        }

        static CliException NobodyToAsk() => new(ExitCodes.ApprovalRefused,
            "the plan needs approval but nobody can answer (standard input is not a terminal or is closed); " +
            "re-run with --yes to approve it without asking");
    }

    public static async Task<MigrationInfo> StartAsync(CommandContext context, string migrationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = await context.Client.StartMigrationAsync(
            new StartMigrationRequest { MigrationId = migrationId, StartedBy = context.Environment.UserName },
            cancellationToken: cancellationToken);
        return response.Migration ?? throw new CliException($"the server returned no migration for {migrationId}");
    }

    /// <summary>
    /// Watches from <paramref name="afterSequence"/> until the migration ends (live view, plain lines or JSON), then
    /// prints the validation report and returns the exit code: 0 only for COMPLETED with validation passed.
    /// </summary>
    public static async Task<int> WatchToEndAsync(
        CommandContext context, MigrationInfo snapshot, long afterSequence, MigrationPlan? plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(snapshot);
        var progress = new MigrationProgress(context.Time);
        if (plan is not null)
        {
            progress.ApplyPlan(plan);
        }

        var observer = context.CreateObserver(progress, out var liveView);
        var watcher = context.CreateWatcher();
        var request = new WatchRequest(snapshot, afterSequence);
        var result = liveView is null
            ? await watcher.WatchAsync(request, observer, cancellationToken)
            : await liveView.RunAsync(() => watcher.WatchAsync(request, observer, cancellationToken));
        return await FinishAsync(context, snapshot.Id, result, cancellationToken);
    }

    private static async Task<int> FinishAsync(CommandContext context, string migrationId, WatchResult result, CancellationToken cancellationToken)
    {
        MigrationInfo? final = null;
        if (result.Reason is WatchStopReason.Terminal or WatchStopReason.Paused)
        {
            try
            {
                final = (await context.Client.GetMigrationAsync(
                    new GetMigrationRequest { MigrationId = migrationId }, cancellationToken: cancellationToken)).Migration;
            }
            catch (Grpc.Core.RpcException ex) when (ReconnectPolicy.IsTransient(ex))
            {
                // The outcome is known from the events; the final figures are a nicety.
            }
        }

        var validation = final?.Validation ?? result.Validation;
        var outcome = MigrationOutcome.From(result with { Validation = validation }, migrationId, context.Server,
            context.Environment.Reconnect, final?.ErrorMessage);
        if (validation is not null && result.Reason is WatchStopReason.Terminal)
        {
            if (context.Json is { } json)
            {
                json.Write("validation", validation);
            }
            else
            {
                context.Console.WriteLine();
                ValidationRenderer.Render(context.Console, validation);
            }
        }

        if (!outcome.Succeeded)
        {
            return context.Fail(outcome.ExitCode, outcome.Message, migrationId, result.Phase, result.Cursor);
        }

        if (context.Json is { } writer)
        {
            writer.WriteResult(outcome.ExitCode, outcome.Message, migrationId, result.Phase, result.Cursor);
        }
        else
        {
            var figures = final is null ? string.Empty : Figures(final);
            context.Console.MarkupLine($"[green]✓[/] {Markup.Escape(outcome.Message)}{Markup.Escape(figures)}");
        }

        return outcome.ExitCode;
    }

    private static string Figures(MigrationInfo migration)
    {
        var parts = new List<string>();
        if (migration.RowsCopied > 0)
        {
            parts.Add($"{ProgressFormat.Count(migration.RowsCopied)} rows");
        }

        if (migration.StartedAt is not null && migration.CompletedAt is not null)
        {
            parts.Add("in " + ProgressFormat.Duration(migration.CompletedAt.ToDateTimeOffset() - migration.StartedAt.ToDateTimeOffset()));
        }

        return parts.Count == 0 ? string.Empty : " (" + string.Join(" ", parts) + ")";
    }
}
