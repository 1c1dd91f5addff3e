using System.CommandLine;
using System.Globalization;
using Migration.Cli.Display;
using Migration.Cli.Rendering;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration metrics ID [--json]`: the live figures of a migration (OperationsService.GetMetrics, no metrics backend
/// needed) — rows, records per second, batch times, errors, retries, rollbacks, integrity, completion time, user
/// interventions, per table — and of the server answering (memory, CPU, disk, health checks).
/// </summary>
internal sealed class MetricsCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();

    public MetricsCommand(GlobalOptions globals, CliEnvironment environment)
        : base("metrics", "Show a migration's live figures and the server's (GetMetrics)")
    {
        ArgumentNullException.ThrowIfNull(globals);
        Arguments.Add(_id);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var client = new OperationsService.OperationsServiceClient(context.Invoker);
        var response = await client.GetMetricsAsync(new GetMetricsRequest { MigrationId = id }, cancellationToken: cancellationToken);
        var m = response.Migration;
        if (context.Json is { } json)
        {
            json.Write("metrics", response);
            json.WriteResult(ExitCodes.Success, $"{ProgressFormat.Count(m.RowsCopied)} of {ProgressFormat.Count(m.RowsTotal)} rows", m.MigrationId, m.Phase);
            return ExitCodes.Success;
        }

        void Row(string name, string value) => context.Console.WriteLine($"{name + ":",-20} {value}");
        Row("migration", $"{m.MigrationId} ({DisplayNames.Of(m.Phase)})");
        Row("rows", $"{ProgressFormat.Count(m.RowsCopied)} of {ProgressFormat.Count(m.RowsTotal)} ({ProgressFormat.Percent(m.RowsCopied, m.RowsTotal)})");
        Row("records per second", ProgressFormat.Rate(m.RecordsPerSecond));
        Row("batches", $"{ProgressFormat.Count(m.BatchesCompleted)} committed, {ProgressFormat.Count(m.BatchesValidated)} validated");
        Row("batch time", $"mean {Time(m.BatchTimeMean)}, p50 {Time(m.BatchTimeP50)}, p95 {Time(m.BatchTimeP95)}, max {Time(m.BatchTimeMax)}");
        Row("errors", $"{ProgressFormat.Count(m.Errors)} (error rate {Percent(m.ErrorRate)})");
        Row("retries", $"{ProgressFormat.Count(m.Retries)}, {ProgressFormat.Count(m.RetriesSucceeded)} succeeded ({Percent(m.RetrySuccessRate)})");
        Row("rollbacks", ProgressFormat.Count(m.Rollbacks));
        Row("data integrity", m.DataIntegrityScore > 0 || m.Phase == MigrationPhase.Completed ? Percent(m.DataIntegrityScore) + " of the tables validated" : "-");
        Row("completion time", m.CompletionTime is null ? "-" : ProgressFormat.Duration(m.CompletionTime.ToTimeSpan()));
        Row("user interventions", $"{m.UserInterventions}{(m.UserInterventionRequired ? " (one is needed now)" : "")}");

        if (m.Tables.Count > 0)
        {
            var tables = new Table().Border(TableBorder.Simple).AddColumns("table", "batches", "rows", "rows/s", "batch mean", "p95", "max");
            foreach (var t in m.Tables)
            {
                tables.AddRow(Markup.Escape(t.Table), ProgressFormat.Count(t.Batches), ProgressFormat.Count(t.Rows), ProgressFormat.Rate(t.RowsPerSecond),
                    Time(t.BatchTimeMean), Time(t.BatchTimeP95), Time(t.BatchTimeMax));
            }

            context.Console.Write(tables);
        }

        var s = response.Server;
        context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server: {s.Health}; memory {s.WorkingSetBytes / (1024 * 1024):N0} MB ({Percent(s.MemoryUsedFraction)}); CPU {Percent(s.CpuFraction)} of {s.ProcessorCount} cores; " +
            $"disk {s.DiskFreeBytes / (1024 * 1024):N0} MB free ({Percent(s.DiskFreeFraction)})"));
        foreach (var check in s.Checks)
        {
            context.Console.WriteLine($"  {check.Name}: {check.Status} - {check.Description}");
        }

        return ExitCodes.Success;
    }

    private static string Time(Google.Protobuf.WellKnownTypes.Duration? duration) =>
        duration is null ? "-" : ProgressFormat.Duration(duration.ToTimeSpan());

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
