using System.CommandLine;
using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration rollback ID [--table T]... [--retry] [--reason TEXT] [--yes]`: remove what a migration wrote, verified
/// against the checksums taken before its first write. Asks for confirmation unless --yes.
/// </summary>
internal sealed class RollbackCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<string?> _reason = new("--reason") { Description = "Why (kept in the decision history and the recovery log)", HelpName = "TEXT" };
    private readonly Option<string[]> _tables = new("--table") { Description = "Roll back only this table (repeatable); default: the whole migration", HelpName = "SCHEMA.TABLE" };
    private readonly Option<bool> _retry = new("--retry") { Description = "Copy again after the rollback" };
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do not ask for confirmation (scripts, CI)" };

    public RollbackCommand(GlobalOptions globals, CliEnvironment environment)
        : base("rollback", "Remove every row a migration wrote and restore its control state (verified by checksums; admin)")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_reason);
        Options.Add(_tables);
        Options.Add(_retry);
        Options.Add(_yes);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var tables = parseResult.GetValue(_tables) ?? [];
        var scope = tables.Length == 0 ? "every row migration " + id + " wrote" : $"the rows migration {id} wrote into {string.Join(", ", tables)}";
        if (!parseResult.GetValue(_yes))
        {
            var prompt = new ApprovalPrompt(context.Environment.In, context.IsJson ? context.Environment.Error : context.Environment.Out);
            var answer = await prompt.ConfirmAsync($"Remove {scope}? This cannot be undone except from its backup. [y/N] ", cancellationToken);
            if (answer != true)
            {
                throw new CliException(ExitCodes.ApprovalRefused, answer is null
                    ? "no answer to the confirmation (use --yes in scripts); nothing was changed"
                    : "rollback not confirmed; nothing was changed");
            }
        }

        var client = new RecoveryService.RecoveryServiceClient(context.Invoker);
        var request = new RollbackMigrationRequest
        {
            MigrationId = id,
            Reason = parseResult.GetValue(_reason) ?? string.Empty,
            Retry = parseResult.GetValue(_retry),
            RequestedBy = context.Environment.UserName,
        };
        request.Tables.AddRange(tables);
        var response = await client.RollbackMigrationAsync(request, cancellationToken: cancellationToken);
        var exit = response.Verified ? ExitCodes.Success : ExitCodes.Failed;
        if (context.Json is { } json)
        {
            json.Write("rollback", response);
            json.WriteResult(exit, response.Summary, id, response.Migration?.Phase, response.Migration?.LastEventSequence);
        }
        else
        {
            foreach (var table in response.Tables)
            {
                context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {table.Table}: {table.Action}, {table.RowsRemoved:N0} rows removed{(table.MatchesBaseline ? ", matches the baseline" : ": " + table.Issue)}"));
            }

            context.Console.WriteLine(response.Summary);
            if (response.Migration is { } migration)
            {
                context.Console.WriteLine($"migration {id} is now {Rendering.DisplayNames.Of(migration.Phase)}");
            }
        }

        return exit;
    }
}
