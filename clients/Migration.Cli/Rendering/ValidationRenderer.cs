using Migration.Cli.Display;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Rendering;

/// <summary>Shows a validation report: per table rows source/target, checksum match, orphans, PASS/FAIL.</summary>
internal static class ValidationRenderer
{
    public static void Render(IAnsiConsole console, ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);

        console.MarkupLine(report.Passed ? "[bold]Validation[/] [green]PASSED[/]" : "[bold]Validation[/] [red]FAILED[/]");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("table")
            .AddColumn(new TableColumn("source rows").RightAligned())
            .AddColumn(new TableColumn("target rows").RightAligned())
            .AddColumn("checksum")
            .AddColumn(new TableColumn("orphans").RightAligned())
            .AddColumn("result");
        foreach (var row in report.Tables)
        {
            var checksum = ChecksumState(row);
            table.AddRow(
                new Text(row.Table),
                new Text(ProgressFormat.Count(row.SourceRows)),
                new Text(ProgressFormat.Count(row.TargetRows)),
                new Markup(checksum switch
                {
                    "match" => "[green]match[/]",
                    "MISMATCH" => "[red]MISMATCH[/]",
                    _ => "[grey]-[/]",
                }),
                new Markup(row.OrphanRows > 0 ? $"[red]{ProgressFormat.Count(row.OrphanRows)}[/]" : "0"),
                new Markup(row.Passed ? "[green]PASS[/]" : "[red]FAIL[/]"));
        }

        if (report.Tables.Count > 0)
        {
            console.Write(table);
        }

        foreach (var row in report.Tables.Where(t => t.Issues.Count > 0))
        {
            foreach (var issue in row.Issues)
            {
                console.MarkupLine($"  [{(row.Passed ? "yellow" : "red")}]{Markup.Escape(row.Table)}[/]: {Markup.Escape(issue)}");
            }
        }

        var facts = new List<string>();
        if (!string.IsNullOrWhiteSpace(report.Summary))
        {
            facts.Add(report.Summary);
        }

        if (report.BatchesValidated > 0)
        {
            facts.Add($"{ProgressFormat.Count(report.BatchesValidated)} batches validated during the copy");
        }

        if (report.ValidatedAt is not null)
        {
            facts.Add("validated at " + report.ValidatedAt.ToDateTimeOffset().ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (facts.Count > 0)
        {
            console.MarkupLine($"[grey]{Markup.Escape(string.Join(" · ", facts))}[/]");
        }
    }

    /// <summary>"match", "MISMATCH", or "-" when a checksum was not computed.</summary>
    public static string ChecksumState(TableValidation row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.IsNullOrEmpty(row.SourceChecksum) || string.IsNullOrEmpty(row.TargetChecksum))
        {
            return "-";
        }

        return string.Equals(row.SourceChecksum, row.TargetChecksum, StringComparison.Ordinal) ? "match" : "MISMATCH";
    }
}
