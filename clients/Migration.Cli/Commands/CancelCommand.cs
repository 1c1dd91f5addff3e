using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration cancel ID [--reason TEXT]`: stop a migration for good.</summary>
internal sealed class CancelCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<string?> _reason = new("--reason") { Description = "Why (kept in the decision history)", HelpName = "TEXT" };

    public CancelCommand(GlobalOptions globals, CliEnvironment environment)
        : base("cancel", "Cancel a migration (it cannot be resumed)")
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
        var response = await context.Client.CancelMigrationAsync(
            new CancelMigrationRequest { MigrationId = id, Reason = parseResult.GetValue(_reason) ?? string.Empty },
            cancellationToken: cancellationToken);
        return ControlReport.Write(context, response.Migration, id, "cancelled");
    }
}
