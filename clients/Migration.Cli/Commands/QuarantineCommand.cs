using System.CommandLine;
using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration quarantine ID [--table T] [--limit N] [--after TOKEN]`: the rows a migration's copy set aside, with the
/// reason (SQLSTATE, constraint, column) and a preview with secrets masked; counts per table first.
/// </summary>
internal sealed class QuarantineCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();

    private readonly Option<string?> _table = new("--table") { Description = "Only this table (schema.table of the source)", HelpName = "TABLE" };

    private readonly Option<int?> _limit = new("--limit") { Description = "At most this many rows (1..1000, default 100)", HelpName = "N" };

    private readonly Option<string?> _after = new("--after") { Description = "Continue after this token (printed when there are more rows)", HelpName = "TOKEN" };

    public QuarantineCommand(GlobalOptions globals, CliEnvironment environment)
        : base("quarantine", "List the rows a migration set aside (quarantine) and why")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        Options.Add(_table);
        Options.Add(_limit);
        Options.Add(_after);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var request = new ListQuarantinedRowsRequest
        {
            MigrationId = id,
            Table = parseResult.GetValue(_table) ?? string.Empty,
            PageToken = parseResult.GetValue(_after) ?? string.Empty,
        };
        if (parseResult.GetValue(_limit) is { } limit)
        {
            request.PageSize = limit is > 0 and <= 1000 ? limit : throw CliException.Usage($"--limit must be between 1 and 1000, got {limit}");
        }

        var client = new QuarantineService.QuarantineServiceClient(context.Invoker);
        var response = await client.ListQuarantinedRowsAsync(request, cancellationToken: cancellationToken);
        var total = response.Counts.Values.Sum();
        if (context.Json is { } json)
        {
            foreach (var row in response.Rows)
            {
                json.Write("quarantined", row);
            }

            json.WriteResult(ExitCodes.Success, string.Create(CultureInfo.InvariantCulture, $"{total} row(s) set aside"), id);
            return ExitCodes.Success;
        }

        if (total == 0)
        {
            context.Console.WriteLine($"migration {id} set no rows aside");
            return ExitCodes.Success;
        }

        foreach (var (table, count) in response.Counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{table}: {count:N0} row(s) set aside"));
        }

        var grid = new Table().Border(TableBorder.Simple).AddColumns("table", "key", "batch", "sqlstate", "constraint / column", "reason", "row");
        foreach (var r in response.Rows)
        {
            grid.AddRow(
                Markup.Escape(r.Table),
                Markup.Escape(string.Join(",", r.SourceKey)),
                Markup.Escape(r.BatchId),
                Markup.Escape(r.SqlState),
                Markup.Escape(r.Constraint.Length > 0 ? r.Constraint : r.Column),
                Markup.Escape(r.Reason),
                Markup.Escape(r.Preview) + (r.PayloadEncrypted ? " [grey](full row encrypted)[/]" : ""));
        }

        context.Console.Write(grid);
        if (response.NextPageToken.Length > 0)
        {
            context.Console.WriteLine($"more rows: --after {response.NextPageToken}");
        }

        return ExitCodes.Success;
    }
}
