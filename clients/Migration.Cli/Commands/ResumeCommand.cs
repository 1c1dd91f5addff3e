using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration resume ID`: continue a paused migration from its checkpoints.</summary>
internal sealed class ResumeCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();

    public ResumeCommand(GlobalOptions globals, CliEnvironment environment)
        : base("resume", "Resume a paused migration from its checkpoints")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var response = await context.Client.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = id }, cancellationToken: cancellationToken);
        return ControlReport.Write(context, response.Migration, id, "resumed", $"watch it with: migration watch {id}");
    }
}
