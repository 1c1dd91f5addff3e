using System.CommandLine;

namespace Migration.Cli.Commands;

/// <summary>`migration plan`: create the migration and show its plan without starting anything.</summary>
internal sealed class PlanCommand : Command
{
    public PlanCommand(GlobalOptions globals, CliEnvironment environment)
        : base("plan", "Create a migration and show its plan (nothing is written; approve and start it with: migration start ID)")
    {
        ArgumentNullException.ThrowIfNull(globals);
        RequestOptions.AddTo(this);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    public MigrationRequestOptions RequestOptions { get; } = new();

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var request = RequestOptions.ToRequest(parseResult, context.Environment.UserName);
        var response = await context.Client.CreateMigrationAsync(request, cancellationToken: cancellationToken);
        var migration = response.Migration ?? throw new CliException("the server created no migration");
        context.Json?.Write("created", response);
        if (response.AttachedToExisting)
        {
            context.Notice($"attaching to unfinished migration {migration.Id} ({Rendering.DisplayNames.Of(migration.Phase)})");
        }

        var plan = await MigrationFlow.WaitForPlanAsync(context, migration, response.Plan, cancellationToken);
        MigrationFlow.ShowPlan(context, plan);
        MigrationFlow.EnsureApprovable(plan);
        var next = plan.Approved
            ? $"the plan is approved; start it with: migration start {migration.Id}"
            : $"approve and start it with: migration start {migration.Id}";
        context.Notice(next);
        context.Json?.WriteResult(ExitCodes.Success, next, migration.Id, migration.Phase, migration.LastEventSequence);
        return ExitCodes.Success;
    }
}
