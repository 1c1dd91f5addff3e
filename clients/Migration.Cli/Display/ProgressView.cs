using Migration.Cli.Rendering;
using Migration.Cli.Watching;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Display;

/// <summary>
/// The live view for an interactive terminal: a Spectre.Console progress display with one bar per running table
/// (rows copied/total, percent, rows/s, ETA) and an overall bar with the phase. Phase changes, finished tables,
/// warnings and errors are printed above the bars as they happen.
/// </summary>
internal sealed class ProgressView(IAnsiConsole console, MigrationProgress progress, TimeProvider time) : IWatchObserver
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ProgressContext? _context;
    private ProgressTask? _overall;

    /// <summary>Runs <paramref name="body"/> (the watch) while the live display is on screen.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var display = new Spectre.Console.Progress(console, time)
        {
            AutoClear = false,
            AutoRefresh = true,
            HideCompleted = false,
            RefreshRate = TimeSpan.FromMilliseconds(200),
        };
        display.Columns(
            new TaskDescriptionColumn { Alignment = Justify.Left },
            new ProgressBarColumn { Width = 30 },
            FiguresColumn.Rows(),
            new PercentageColumn(),
            FiguresColumn.Rate(),
            FiguresColumn.Eta());
        return await display.StartAsync(async context =>
        {
            lock (_gate)
            {
                _context = context;
                _overall = context.AddTask(OverallDescription(), new ProgressTaskSettings { AutoStart = true, MaxValue = 1 });
                _overall.Tag = progress;
                foreach (var table in progress.Tables.Where(t => t.Status == TableStatus.Running))
                {
                    Task(table);
                }

                Refresh();
            }

            try
            {
                return await body();
            }
            finally
            {
                lock (_gate)
                {
                    Refresh();
                    _context = null;
                }
            }
        });
    }

    public void OnSnapshot(MigrationInfo migration)
    {
        lock (_gate)
        {
            progress.ApplySnapshot(migration);
            if (_context is not null)
            {
                foreach (var table in progress.Tables.Where(t => t.Status == TableStatus.Running))
                {
                    Task(table);
                }

                Refresh();
            }
        }
    }

    public void OnEvent(MigrationEvent migrationEvent)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        lock (_gate)
        {
            var before = progress.Phase;
            progress.Apply(migrationEvent);
            switch (migrationEvent.KindCase)
            {
                case MigrationEvent.KindOneofCase.PhaseChanged:
                    var change = migrationEvent.PhaseChanged;
                    var from = change.From == MigrationPhase.Unspecified ? before : change.From;
                    var reason = string.IsNullOrWhiteSpace(change.Reason) ? string.Empty : $" [grey]({Markup.Escape(change.Reason)})[/]";
                    console.MarkupLine($"[blue]phase[/] {DisplayNames.Of(from)} → [bold]{DisplayNames.Of(change.To)}[/]{reason}");
                    break;
                case MigrationEvent.KindOneofCase.TableStarted:
                case MigrationEvent.KindOneofCase.BatchCompleted:
                    var name = migrationEvent.TableStarted?.Table ?? migrationEvent.BatchCompleted.Table;
                    if (progress.Find(name) is { } table)
                    {
                        Task(table);
                    }

                    break;
                case MigrationEvent.KindOneofCase.TableCompleted:
                    var done = migrationEvent.TableCompleted;
                    if (progress.Find(done.Table) is { } finished)
                    {
                        var task = Task(finished);
                        task?.StopTask();
                        var took = done.Duration is null ? string.Empty : $" in {ProgressFormat.Duration(done.Duration.ToTimeSpan())}";
                        console.MarkupLine(
                            $"[green]✓[/] {Markup.Escape(done.Table)}: {ProgressFormat.Count(done.Rows)} rows{took} " +
                            $"[grey]({ProgressFormat.Rate(finished.RowsPerSecond)})[/]");
                    }

                    break;
                case MigrationEvent.KindOneofCase.Warning:
                    var warning = migrationEvent.Warning;
                    var where = string.IsNullOrEmpty(warning.Table) ? string.Empty : Markup.Escape(warning.Table) + ": ";
                    console.MarkupLine($"[yellow]warning[/] {where}{Markup.Escape(warning.Message)}");
                    break;
                case MigrationEvent.KindOneofCase.Error:
                    console.MarkupLine($"[red]error[/] {Markup.Escape(EventText.Describe(migrationEvent.Error))}");
                    break;
                case MigrationEvent.KindOneofCase.ValidationResult:
                    var report = migrationEvent.ValidationResult;
                    console.MarkupLine(report.Passed
                        ? "[green]validation passed[/]"
                        : $"[red]validation FAILED[/] {Markup.Escape(report.Summary)}");
                    break;
            }

            Refresh();
        }
    }

    public void OnConnectionLost(WatchInterruption interruption)
    {
        ArgumentNullException.ThrowIfNull(interruption);
        lock (_gate)
        {
            console.MarkupLine(
                $"[yellow]connection lost[/] ({Markup.Escape(interruption.Reason)}); re-attaching after event " +
                $"#{interruption.AfterSequence} in {ProgressFormat.Duration(interruption.Delay)} (attempt {interruption.Attempt})");
        }
    }

    private string OverallDescription() =>
        $"[bold]overall[/] · {DisplayNames.Of(progress.Phase)} · {progress.TablesCompleted}/{progress.Tables.Count} tables";

    private ProgressTask? Task(TableProgressState table)
    {
        if (_context is null)
        {
            return null;
        }

        if (!_tasks.TryGetValue(table.Name, out var task))
        {
            task = _context.AddTask(Markup.Escape(table.Name), new ProgressTaskSettings { AutoStart = true, MaxValue = 1 });
            task.Tag = table;
            task.HideWhenCompleted = true;
            _tasks.Add(table.Name, task);
        }

        task.MaxValue = Math.Max(1, Math.Max(table.RowsTotal, table.RowsCopied));
        task.Value = table.RowsCopied;
        return task;
    }

    private void Refresh()
    {
        if (_overall is null || _context is null)
        {
            return;
        }

        _overall.Description = OverallDescription();
        _overall.MaxValue = Math.Max(1, Math.Max(progress.RowsTotal, progress.RowsCopied));
        _overall.Value = progress.RowsCopied;
        foreach (var table in progress.Tables)
        {
            if (_tasks.TryGetValue(table.Name, out var task))
            {
                task.MaxValue = Math.Max(1, Math.Max(table.RowsTotal, table.RowsCopied));
                task.Value = table.RowsCopied;
            }
        }
    }
}
