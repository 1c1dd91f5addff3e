using System.CommandLine;
using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration audit [ID] [--limit N] [--actor A] [--action X] [--before N]`: the audit trail of a migration (kept in
/// its target) or, without ID, the server's own (refused calls, calls without a migration). Needs the admin role.
/// </summary>
internal sealed class AuditCommand : Command
{
    private readonly Argument<string?> _id = new("ID")
    {
        Description = "The migration whose trail to show; none = the server's own trail",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<int?> _limit = new("--limit") { Description = "At most this many records (1..1000, default 100)", HelpName = "N" };

    private readonly Option<string?> _actor = new("--actor") { Description = "Only this caller (e.g. api-key:ci)", HelpName = "NAME" };

    private readonly Option<string?> _action = new("--action")
    {
        Description = "Only this action (e.g. migration.v1.MigrationService/StartMigration)",
        HelpName = "ACTION",
    };

    private readonly Option<long?> _before = new("--before") { Description = "Only records older than this record id (paging)", HelpName = "N" };

    public AuditCommand(GlobalOptions globals, CliEnvironment environment)
        : base("audit", "Show the audit trail: who did what, when, from where, with what result (admin)")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_limit);
        Options.Add(_actor);
        Options.Add(_action);
        Options.Add(_before);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var request = new ListAuditRecordsRequest
        {
            MigrationId = parseResult.GetValue(_id)?.Trim() ?? string.Empty,
            Actor = parseResult.GetValue(_actor) ?? string.Empty,
            Action = parseResult.GetValue(_action) ?? string.Empty,
        };
        if (parseResult.GetValue(_limit) is { } limit)
        {
            request.PageSize = limit is > 0 and <= 1000 ? limit : throw CliException.Usage($"--limit must be between 1 and 1000, got {limit}");
        }

        if (parseResult.GetValue(_before) is { } before)
        {
            request.BeforeId = before > 0 ? before : throw CliException.Usage($"--before must be a positive record id, got {before}");
        }

        var client = new OperationsService.OperationsServiceClient(context.Invoker);
        var response = await client.ListAuditRecordsAsync(request, cancellationToken: cancellationToken);
        if (context.Json is { } json)
        {
            foreach (var record in response.Records)
            {
                json.Write("audit", record);
            }

            json.WriteResult(ExitCodes.Success, $"{response.Records.Count} audit record(s)");
            return ExitCodes.Success;
        }

        if (response.Records.Count == 0)
        {
            context.Console.WriteLine("no audit records");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("id", "when (UTC)", "who", "how", "action", "migration", "outcome", "from", "detail");
        foreach (var r in response.Records)
        {
            table.AddRow(
                r.Id.ToString(CultureInfo.InvariantCulture),
                r.OccurredAt.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                Markup.Escape(r.Actor),
                Markup.Escape(r.AuthMethod),
                Markup.Escape(r.Action[(r.Action.LastIndexOf('/') + 1)..]),
                Markup.Escape(r.MigrationId),
                r.Outcome == "OK" ? "OK" : $"[red]{Markup.Escape(r.Outcome)}[/]",
                Markup.Escape(r.Peer),
                Markup.Escape(r.Detail));
        }

        context.Console.Write(table);
        if (response.NextBeforeId > 0)
        {
            context.Console.WriteLine($"older records: --before {response.NextBeforeId}");
        }

        return ExitCodes.Success;
    }
}
