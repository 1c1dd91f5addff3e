using System.CommandLine;
using Migration.Cli.Rendering;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration list [--phase P]... [--limit N]`: the migrations the server knows.</summary>
internal sealed class ListCommand : Command
{
    private readonly Option<string[]> _phases = new("--phase")
    {
        Description = "Only migrations in this phase, e.g. execution, completed, failed, paused (repeatable)",
        HelpName = "PHASE",
    };

    private readonly Option<int?> _limit = new("--limit")
    {
        Description = "At most this many migrations",
        HelpName = "N",
    };

    public ListCommand(GlobalOptions globals, CliEnvironment environment)
        : base("list", "List migrations")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Options.Add(_phases);
        Options.Add(_limit);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    /// <summary>"awaiting-approval", "AwaitingApproval", "MIGRATION_PHASE_AWAITING_APPROVAL" → the phase.</summary>
    public static MigrationPhase ParsePhase(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = value.Trim().Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        if (key.StartsWith("MIGRATIONPHASE", StringComparison.OrdinalIgnoreCase))
        {
            key = key["MIGRATIONPHASE".Length..];
        }

        return Enum.TryParse<MigrationPhase>(key, ignoreCase: true, out var phase) && phase != MigrationPhase.Unspecified
               && Enum.IsDefined(phase) && !int.TryParse(key, out _)
            ? phase
            : throw CliException.Usage($"unknown phase '{value}'; phases: " +
                string.Join(", ", Enum.GetValues<MigrationPhase>().Where(p => p != MigrationPhase.Unspecified).Select(p => DisplayNames.Of(p).Replace(' ', '-'))));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var request = new ListMigrationsRequest();
        request.Phases.AddRange((parseResult.GetValue(_phases) ?? []).Select(ParsePhase));
        if (parseResult.GetValue(_limit) is { } limit)
        {
            request.PageSize = limit > 0 ? limit : throw CliException.Usage($"--limit must be a positive number, got {limit}");
        }

        var response = await context.Client.ListMigrationsAsync(request, cancellationToken: cancellationToken);
        if (context.Json is { } json)
        {
            foreach (var migration in response.Migrations)
            {
                json.Write("migration", migration);
            }

            json.WriteResult(ExitCodes.Success, $"{response.Migrations.Count} migration(s)");
        }
        else
        {
            MigrationRenderer.RenderList(context.Console, response.Migrations);
        }

        return ExitCodes.Success;
    }
}
