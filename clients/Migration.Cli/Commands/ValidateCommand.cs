using System.CommandLine;
using Migration.Cli.Rendering;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>`migration validate ID`: run the full validation now; exit 1 when it fails.</summary>
internal sealed class ValidateCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();

    public ValidateCommand(GlobalOptions globals, CliEnvironment environment)
        : base("validate", "Validate a migration now (counts, content checksums, orphans); exit 1 when it fails")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var response = await context.Client.ValidateMigrationAsync(new ValidateMigrationRequest { MigrationId = id }, cancellationToken: cancellationToken);
        var report = response.Report ?? throw new CliException($"the server returned no validation report for {id}");
        if (context.Json is { } json)
        {
            json.Write("validation", report);
        }
        else
        {
            ValidationRenderer.Render(context.Console, report);
        }

        if (!report.Passed)
        {
            var failed = report.Tables.Where(t => !t.Passed).Select(t => t.Table).ToList();
            var detail = !string.IsNullOrWhiteSpace(report.Summary) ? report.Summary : string.Join(", ", failed);
            return context.Fail(ExitCodes.Failed, $"validation of migration {id} FAILED{(detail.Length == 0 ? string.Empty : ": " + detail)}", id);
        }

        context.Json?.WriteResult(ExitCodes.Success, $"validation of migration {id} passed", id);
        return ExitCodes.Success;
    }
}
