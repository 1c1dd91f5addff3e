using Migration.Cli.Rendering;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>Reports the migration a control call (pause, resume, cancel) returned.</summary>
internal static class ControlReport
{
    public static int Write(CommandContext context, MigrationInfo? migration, string id, string done, string? next = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (migration is null)
        {
            throw new CliException($"the server returned no migration for {id}");
        }

        var message = $"migration {id} {done}: now {DisplayNames.Of(migration.Phase)}" + (next is null ? string.Empty : $"; {next}");
        if (context.Json is { } json)
        {
            json.Write("migration", migration);
            json.WriteResult(ExitCodes.Success, message, id, migration.Phase, migration.LastEventSequence);
        }
        else
        {
            context.Console.WriteLine(message);
        }

        return ExitCodes.Success;
    }
}
