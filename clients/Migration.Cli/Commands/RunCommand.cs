using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration run`: create the migration, show the plan, get it approved, start it, watch it live to the end and
/// print the validation report. Exit 0 only when it COMPLETED and validation passed.
/// </summary>
internal sealed class RunCommand : Command
{
    public RunCommand(GlobalOptions globals, CliEnvironment environment)
        : base("run", "Plan, approve, run and validate a migration, watching it live")
    {
        ArgumentNullException.ThrowIfNull(globals);
        RequestOptions.AddTo(this);
        Options.Add(Yes);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    public MigrationRequestOptions RequestOptions { get; } = new();

    public Option<bool> Yes { get; } = YesOption.Create();

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var request = RequestOptions.ToRequest(parseResult, context.Environment.UserName);
        var response = await context.Client.CreateMigrationAsync(request, cancellationToken: cancellationToken);
        var migration = response.Migration ?? throw new CliException("the server created no migration");
        context.Json?.Write("created", response);

        if (response.AttachedToExisting)
        {
            context.Notice($"attaching to unfinished migration {migration.Id} ({Rendering.DisplayNames.Of(migration.Phase)})");
            if (migration.Phase is not (MigrationPhase.Created or MigrationPhase.Discovery or MigrationPhase.Planning
                or MigrationPhase.Mapping or MigrationPhase.AwaitingApproval))
            {
                return await MigrationFlow.WatchToEndAsync(context, migration, migration.LastEventSequence, response.Plan, cancellationToken);
            }
        }

        var plan = await MigrationFlow.WaitForPlanAsync(context, migration, response.Plan, cancellationToken);
        MigrationFlow.ShowPlan(context, plan);
        await MigrationFlow.ApproveAsync(context, plan, parseResult.GetValue(Yes),
            request.Options.ForeignKeyMode, cancellationToken);
        var started = await MigrationFlow.StartAsync(context, migration.Id, cancellationToken);
        return await MigrationFlow.WatchToEndAsync(context, started, started.LastEventSequence, plan, cancellationToken);
    }
}
