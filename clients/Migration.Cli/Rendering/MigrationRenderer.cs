using System.Globalization;
using Migration.Cli.Display;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Rendering;

/// <summary>Shows a migration's status (with its tables) and lists of migrations.</summary>
internal static class MigrationRenderer
{
    public static void RenderStatus(IAnsiConsole console, MigrationInfo migration)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(migration);

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                grid.AddRow(new Markup($"[grey]{name}[/]"), new Text(value));
            }
        }

        var phase = DisplayNames.Of(migration.Phase);
        if (migration.Phase == MigrationPhase.Paused && migration.PausedPhase != MigrationPhase.Unspecified)
        {
            phase += $" (during {DisplayNames.Of(migration.PausedPhase)})";
        }

        Row("migration", migration.Id);
        Row("phase", phase);
        Row("source", migration.Source);
        Row("target", migration.Target);
        Row("description", migration.Description);
        Row("created", Time(migration.CreatedAt));
        Row("started", Time(migration.StartedAt));
        Row("completed", Time(migration.CompletedAt));
        if (migration.RowsTotal > 0 || migration.RowsCopied > 0)
        {
            Row("rows", $"{ProgressFormat.Count(migration.RowsCopied)}/{ProgressFormat.Count(migration.RowsTotal)} " +
                        $"({ProgressFormat.Percent(migration.RowsCopied, migration.RowsTotal)})");
        }

        if (migration.RowsPerSecond > 0)
        {
            Row("rate", ProgressFormat.Rate(migration.RowsPerSecond));
        }

        if (migration.EstimatedRemaining is not null && !Watching.MigrationPhases.IsTerminal(migration.Phase))
        {
            Row("remaining", ProgressFormat.Eta(migration.EstimatedRemaining.ToTimeSpan()));
        }

        Row("error", migration.ErrorMessage);
        if (migration.Validation is not null)
        {
            Row("validation", (migration.Validation.Passed ? "PASSED" : "FAILED") +
                              (string.IsNullOrEmpty(migration.Validation.Summary) ? string.Empty : " - " + migration.Validation.Summary));
        }

        Row("last event", "#" + migration.LastEventSequence.ToString(CultureInfo.InvariantCulture));
        console.Write(grid);

        if (migration.Tables.Count == 0)
        {
            return;
        }

        console.WriteLine();
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("wave").RightAligned())
            .AddColumn("table")
            .AddColumn("status")
            .AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("%").RightAligned())
            .AddColumn(new TableColumn("rate").RightAligned())
            .AddColumn(new TableColumn("ETA").RightAligned())
            .AddColumn("path")
            .AddColumn(new TableColumn("batch").RightAligned());
        foreach (var row in migration.Tables.OrderBy(t => t.Wave).ThenBy(t => t.Table, StringComparer.Ordinal))
        {
            table.AddRow(
                new Text(row.Wave.ToString(CultureInfo.InvariantCulture)),
                new Text(row.Table),
                new Text(DisplayNames.Of(row.Status)),
                new Text($"{ProgressFormat.Count(row.RowsCopied)}/{ProgressFormat.Count(row.RowsTotal)}"),
                new Text(ProgressFormat.Percent(row.RowsCopied, row.RowsTotal)),
                new Text(row.Status == TableStatus.Running ? ProgressFormat.Rate(row.RowsPerSecond) : "-"),
                new Text(row.Status == TableStatus.Running ? ProgressFormat.Eta(row.EstimatedRemaining?.ToTimeSpan()) : "-"),
                new Text(DisplayNames.Of(row.WritePath)),
                new Text(row.CurrentBatchSize > 0 ? ProgressFormat.Count(row.CurrentBatchSize) : "-"));
        }

        console.Write(table);
    }

    public static void RenderList(IAnsiConsole console, IReadOnlyCollection<MigrationInfo> migrations)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(migrations);
        if (migrations.Count == 0)
        {
            console.WriteLine("No migrations.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("id", "phase", "source → target", "rows", "created", "description");
        foreach (var migration in migrations)
        {
            table.AddRow(
                new Text(migration.Id),
                new Text(DisplayNames.Of(migration.Phase)),
                new Text($"{migration.Source} → {migration.Target}"),
                new Text($"{ProgressFormat.Count(migration.RowsCopied)}/{ProgressFormat.Count(migration.RowsTotal)}"),
                new Text(Time(migration.CreatedAt) ?? "-"),
                new Text(string.IsNullOrEmpty(migration.Description) ? "-" : migration.Description));
        }

        console.Write(table);
    }

    private static string? Time(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp?.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
