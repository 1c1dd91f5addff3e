using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration watch ID [--from SEQ]`: follow a migration live until it ends. Without --from it starts from the
/// migration's current state; --from SEQ replays every event after SEQ first (0 = the whole history).
/// </summary>
internal sealed class WatchCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<long?> _from = new("--from")
    {
        Description = "Re-attach after this event sequence (the cursor printed when a watch was interrupted; 0 = replay everything)",
        HelpName = "SEQ",
    };

    public WatchCommand(GlobalOptions globals, CliEnvironment environment)
        : base("watch", "Watch a migration live until it completes, fails, is cancelled or pauses")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_from);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var from = parseResult.GetValue(_from);
        if (from is < 0)
        {
            throw CliException.Usage($"--from must be 0 or more, got {from}");
        }

        var migration = (await context.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id }, cancellationToken: cancellationToken)).Migration
            ?? throw new CliException($"the server returned no migration for {id}");
        return await MigrationFlow.WatchToEndAsync(context, migration, from ?? migration.LastEventSequence, plan: null, cancellationToken);
    }
}
