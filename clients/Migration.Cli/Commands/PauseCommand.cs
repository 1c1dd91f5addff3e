using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration pause ID [--reason TEXT]`: pause at the next checkpoint; resume continues exactly there.</summary>
internal sealed class PauseCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<string?> _reason = new("--reason") { Description = "Why (kept in the decision history)", HelpName = "TEXT" };

    public PauseCommand(GlobalOptions globals, CliEnvironment environment)
        : base("pause", "Pause a migration at its next checkpoint")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_reason);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var response = await context.Client.PauseMigrationAsync(
            new PauseMigrationRequest { MigrationId = id, Reason = parseResult.GetValue(_reason) ?? string.Empty },
            cancellationToken: cancellationToken);
        return ControlReport.Write(context, response.Migration, id, "paused", $"resume it with: migration resume {id}");
    }
}
