using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration start ID`: approve the plan (asking unless --yes), start it and watch it to the end.</summary>
internal sealed class StartCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<bool> _yes = YesOption.Create();
    private readonly Option<string?> _foreignKeyMode = ForeignKeyModes.CreateOption();
    private readonly Option<bool> _detach = new("--detach")
    {
        Description = "Return once the migration has started instead of watching it",
    };

    public StartCommand(GlobalOptions globals, CliEnvironment environment)
        : base("start", "Approve a planned migration and start it, then watch it to the end")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_yes);
        Options.Add(_foreignKeyMode);
        Options.Add(_detach);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var foreignKeyMode = ForeignKeyModes.Parse(parseResult.GetValue(_foreignKeyMode));
        var plan = (await context.Client.GetPlanAsync(new GetPlanRequest { MigrationId = id }, cancellationToken: cancellationToken)).Plan
            ?? throw new CliException($"migration {id} has no plan yet");
        if (!plan.Approved)
        {
            MigrationFlow.ShowPlan(context, plan);
            await MigrationFlow.ApproveAsync(context, plan, parseResult.GetValue(_yes), foreignKeyMode, cancellationToken);
        }

        var started = await MigrationFlow.StartAsync(context, id, cancellationToken);
        if (!parseResult.GetValue(_detach))
        {
            return await MigrationFlow.WatchToEndAsync(context, started, started.LastEventSequence, plan, cancellationToken);
        }

        var message = $"migration {id} started; watch it with: migration watch {id}";
        context.Json?.Write("migration", started);
        context.Notice(message);
        context.Json?.WriteResult(ExitCodes.Success, message, id, started.Phase, started.LastEventSequence);
        return ExitCodes.Success;
    }
}
