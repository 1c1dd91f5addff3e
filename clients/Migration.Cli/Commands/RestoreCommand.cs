using System.CommandLine;
using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration restore ID [--backup BACKUP] [--test] [--list] [--reason TEXT] [--yes]`: the migration's backups, a
/// restore test (changes nothing) or a restore of the target tables to the backup (asks for confirmation; admin).
/// </summary>
internal sealed class RestoreCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<string?> _backup = new("--backup") { Description = "The backup id (default: the migration's newest)", HelpName = "BACKUP" };
    private readonly Option<bool> _list = new("--list") { Description = "List the migration's backups and stop" };
    private readonly Option<bool> _test = new("--test") { Description = "Restore into scratch tables and compare checksums; change nothing" };
    private readonly Option<string?> _reason = new("--reason") { Description = "Why (kept in the decision history)", HelpName = "TEXT" };
    private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do not ask for confirmation (scripts, CI)" };

    public RestoreCommand(GlobalOptions globals, CliEnvironment environment)
        : base("restore", "List, test or restore the backup taken before a migration wrote (admin)")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_backup);
        Options.Add(_list);
        Options.Add(_test);
        Options.Add(_reason);
        Options.Add(_yes);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var backupId = parseResult.GetValue(_backup) ?? string.Empty;
        var client = new RecoveryService.RecoveryServiceClient(context.Invoker);
        if (parseResult.GetValue(_list))
        {
            var list = await client.ListBackupsAsync(new ListBackupsRequest { MigrationId = id }, cancellationToken: cancellationToken);
            if (context.Json is { } listJson)
            {
                listJson.Write("backups", list);
                listJson.WriteResult(ExitCodes.Success, $"{list.Backups.Count} backup(s)", id);
            }
            else
            {
                foreach (var backup in list.Backups)
                {
                    context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{backup.BackupId}  {backup.CreatedAt.ToDateTimeOffset():u}  {backup.Tables.Sum(t => t.Rows):N0} rows  {backup.SizeBytes:N0} bytes  " +
                        $"restore test: {(backup.LastRestoreTest is null ? "none" : backup.LastRestoreTest.Passed ? "passed" : "FAILED")}"));
                }

                context.Console.WriteLine($"{list.Backups.Count} backup(s) of migration {id}");
            }

            return ExitCodes.Success;
        }

        if (parseResult.GetValue(_test))
        {
            var tested = await client.TestRestoreAsync(new TestRestoreRequest { MigrationId = id, BackupId = backupId }, cancellationToken: cancellationToken);
            return Report(context, id, tested.BackupId, tested.Result, "restore test", null);
        }

        if (!parseResult.GetValue(_yes))
        {
            var prompt = new ApprovalPrompt(context.Environment.In, context.IsJson ? context.Environment.Error : context.Environment.Out);
            var which = backupId.Length > 0 ? "backup " + backupId : "its newest backup";
            var answer = await prompt.ConfirmAsync(
                $"Replace the content of the tables migration {id} changed with {which}? Rows written since are lost. [y/N] ", cancellationToken);
            if (answer != true)
            {
                throw new CliException(ExitCodes.ApprovalRefused, answer is null
                    ? "no answer to the confirmation (use --yes in scripts); nothing was changed"
                    : "restore not confirmed; nothing was changed");
            }
        }

        var restored = await client.RestoreBackupAsync(new RestoreBackupRequest
        {
            MigrationId = id,
            BackupId = backupId,
            Reason = parseResult.GetValue(_reason) ?? string.Empty,
            RequestedBy = context.Environment.UserName,
        }, cancellationToken: cancellationToken);
        return Report(context, id, restored.BackupId, restored.Result, "restore", restored.Migration);
    }

    private static int Report(CommandContext context, string id, string backupId, RestoreTest result, string what, MigrationInfo? migration)
    {
        var exit = result.Passed ? ExitCodes.Success : ExitCodes.Failed;
        var message = result.Passed
            ? string.Create(CultureInfo.InvariantCulture, $"{what} of {backupId} passed: {result.RowsRestored:N0} rows, counts and checksums equal the backup's")
            : $"{what} of {backupId} FAILED (nothing was changed): {string.Join("; ", result.Issues)}";
        if (context.Json is { } json)
        {
            json.Write("restore", result);
            json.WriteResult(exit, message, id, migration?.Phase, migration?.LastEventSequence);
        }
        else
        {
            context.Console.WriteLine(message);
            if (migration is not null)
            {
                context.Console.WriteLine($"migration {id} is now {Rendering.DisplayNames.Of(migration.Phase)}");
            }
        }

        return exit;
    }
}
