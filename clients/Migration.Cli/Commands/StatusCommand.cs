using System.CommandLine;
using Migration.Cli.Rendering;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration status ID`: the migration's phase, figures and tables.</summary>
internal sealed class StatusCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();

    public StatusCommand(GlobalOptions globals, CliEnvironment environment)
        : base("status", "Show a migration's phase, progress and tables")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var migration = (await context.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id }, cancellationToken: cancellationToken)).Migration
            ?? throw new CliException($"the server returned no migration for {id}");
        if (context.Json is { } json)
        {
            json.Write("migration", migration);
            json.WriteResult(ExitCodes.Success, $"migration {id}: {DisplayNames.Of(migration.Phase)}", id, migration.Phase, migration.LastEventSequence);
        }
        else
        {
            MigrationRenderer.RenderStatus(context.Console, migration);
        }

        return ExitCodes.Success;
    }
}
