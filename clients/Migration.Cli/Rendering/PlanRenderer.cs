using Migration.Cli.Display;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Rendering;

/// <summary>Shows a migration plan: its summary, the waves as a table, cycle breaks, problems and decisions.</summary>
internal static class PlanRenderer
{
    public static void Render(IAnsiConsole console, MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(plan);

        console.MarkupLine($"[bold]Plan for migration {Markup.Escape(plan.MigrationId)}[/]");
        if (!string.IsNullOrWhiteSpace(plan.Summary))
        {
            console.WriteLine(plan.Summary);
        }

        var tables = plan.Waves.Sum(w => w.Tables.Count);
        var facts = new List<string>
        {
            $"{tables} table(s) in {plan.Waves.Count} wave(s)",
            $"about {ProgressFormat.Count(plan.EstimatedRows)} rows",
        };
        if (plan.EstimatedDuration is not null)
        {
            facts.Add($"estimated {ProgressFormat.Eta(plan.EstimatedDuration.ToTimeSpan())}");
        }

        if (plan.MaxConcurrentBatches > 0)
        {
            facts.Add($"{plan.MaxConcurrentBatches} batch(es) at once");
        }

        if (plan.ForeignKeyMode != ForeignKeyMode.Unspecified)
        {
            facts.Add($"foreign keys: {DisplayNames.Of(plan.ForeignKeyMode)}");
        }

        if (plan.Approved)
        {
            facts.Add(string.IsNullOrEmpty(plan.ApprovedBy) ? "approved" : $"approved by {plan.ApprovedBy}");
        }

        console.MarkupLine($"[grey]{Markup.Escape(string.Join(" · ", facts))}[/]");
        if (plan.ResourceLimits is { } limits)
        {
            console.MarkupLine($"[grey]resource limits: {Markup.Escape(ResourceLimitsText.Describe(limits))}[/]");
        }

        console.WriteLine();

        if (tables > 0)
        {
            console.Write(WavesTable(plan));
        }

        var mapped = plan.Waves.SelectMany(w => w.Tables).Where(t => t.Columns.Count > 0).ToList();
        if (mapped.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Mapping[/] [grey](what the mapping specification does to each table)[/]");
            foreach (var table in mapped)
            {
                console.MarkupLine($"[bold]{Markup.Escape(table.Table)} → {Markup.Escape(table.TargetTable)}[/]");
                var columns = new Table().Border(TableBorder.Rounded).AddColumns("target column", "type", "made from");
                foreach (var column in table.Columns)
                {
                    columns.AddRow(new Text(column.Target), new Text(column.TargetType),
                        new Text(string.IsNullOrEmpty(column.Transform) ? $"{column.Source} (copied)" : column.Transform));
                }

                console.Write(columns);
            }
        }

        if (plan.CycleBreaks.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Cycle breaks[/] [grey](foreign keys set aside during the load and restored after)[/]");
            var cycles = new Table().Border(TableBorder.Rounded).AddColumns("constraint", "tables", "resolution");
            foreach (var cycle in plan.CycleBreaks)
            {
                cycles.AddRow(new Text(cycle.Constraint), new Text(string.Join(" ↔ ", cycle.Tables)), new Text(cycle.Resolution));
            }

            console.Write(cycles);
        }

        if (plan.Problems.Count > 0)
        {
            console.WriteLine();
            console.MarkupLine("[bold]Problems[/]");
            var problems = new Table().Border(TableBorder.Rounded).AddColumns("severity", "where", "problem");
            foreach (var problem in plan.Problems.OrderByDescending(p => p.Severity))
            {
                var where = string.IsNullOrEmpty(problem.Column) ? problem.Table : $"{problem.Table}.{problem.Column}";
                var color = problem.Severity switch
                {
                    PlanProblem.Types.Severity.Blocking => "red",
                    PlanProblem.Types.Severity.Warning => "yellow",
                    _ => "grey",
                };
                problems.AddRow(
                    new Markup($"[{color}]{DisplayNames.Of(problem.Severity)}[/]"),
                    new Text(string.IsNullOrEmpty(where) ? "-" : where),
                    new Text(problem.Message));
            }

            console.Write(problems);
        }

        foreach (var decision in plan.Decisions)
        {
            console.WriteLine();
            RenderDecision(console, decision);
        }
    }

    public static void RenderDecision(IAnsiConsole console, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(decision);
        var state = string.IsNullOrEmpty(decision.Answer)
            ? "[yellow]decision needed[/]"
            : $"[green]decided[/]: {Markup.Escape(decision.Answer)}" +
              (string.IsNullOrEmpty(decision.AnsweredBy) ? string.Empty : $" by {Markup.Escape(decision.AnsweredBy)}");
        console.MarkupLine($"[bold]Decision[/] ({state}): {Markup.Escape(decision.Question)}");
        for (var i = 0; i < decision.Options.Count; i++)
        {
            var option = decision.Options[i];
            var recommended = option.Recommended ? " [green](recommended)[/]" : string.Empty;
            console.MarkupLine($"  [bold]{i + 1}.[/] {Markup.Escape(option.Title)}{recommended}");
            if (!string.IsNullOrEmpty(option.Description))
            {
                console.MarkupLine($"     {Markup.Escape(option.Description)}");
            }

            if (!string.IsNullOrEmpty(option.Risk))
            {
                console.MarkupLine($"     [grey]risk: {Markup.Escape(option.Risk)}[/]");
            }
        }

        if (!string.IsNullOrEmpty(decision.RiskAssessment))
        {
            console.MarkupLine($"  [grey]{Markup.Escape(decision.RiskAssessment)}[/]");
        }

        if (!string.IsNullOrEmpty(decision.Recommendation))
        {
            console.MarkupLine($"  Recommendation: {Markup.Escape(decision.Recommendation)}");
        }
    }

    private static Table WavesTable(MigrationPlan plan)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("wave")
            .AddColumn("table")
            .AddColumn("class")
            .AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn("path")
            .AddColumn("paging")
            .AddColumn("strategy");
        foreach (var wave in plan.Waves.OrderBy(w => w.Number))
        {
            foreach (var planned in wave.Tables)
            {
                var name = planned.CreateInTarget ? planned.Table + " (create)" : planned.Table;
                table.AddRow(
                    new Text(wave.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    new Text(name),
                    new Text(DisplayNames.Of(planned.Class)),
                    new Text(ProgressFormat.Count(planned.EstimatedRows)),
                    new Text(DisplayNames.Of(planned.WritePath)),
                    new Text(string.IsNullOrEmpty(planned.Paging) ? "-" : planned.Paging),
                    new Text(string.IsNullOrEmpty(planned.Strategy) ? "-" : planned.Strategy));
            }
        }

        return table;
    }
}
