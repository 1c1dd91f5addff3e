using System.Globalization;
using Migration.Cli.Rendering;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.Cli.Display;

/// <summary>
/// Progress for a console that is not interactive (output redirected to a file or a CI log): one line per phase
/// change, per table completion, per warning or error, and a progress line at most every <see cref="ProgressInterval"/>.
/// </summary>
internal sealed class PlainProgressWriter(TextWriter output, MigrationProgress progress, TimeProvider time) : IWatchObserver
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(2);

    private DateTimeOffset? _lastProgressLine;

    public void OnSnapshot(MigrationInfo migration)
    {
        progress.ApplySnapshot(migration);
        var rows = progress.RowsTotal > 0
            ? $", {ProgressFormat.Count(progress.RowsCopied)}/{ProgressFormat.Count(progress.RowsTotal)} rows"
            : string.Empty;
        Line($"migration {migration.Id}: {DisplayNames.Of(migration.Phase)}{rows}");
    }

    public void OnEvent(MigrationEvent migrationEvent)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        var before = progress.Phase;
        progress.Apply(migrationEvent);
        switch (migrationEvent.KindCase)
        {
            case MigrationEvent.KindOneofCase.PhaseChanged:
                var change = migrationEvent.PhaseChanged;
                var from = change.From == MigrationPhase.Unspecified ? before : change.From;
                var reason = string.IsNullOrWhiteSpace(change.Reason) ? string.Empty : $" ({change.Reason})";
                Line($"phase: {DisplayNames.Of(from)} -> {DisplayNames.Of(change.To)}{reason}");
                break;
            case MigrationEvent.KindOneofCase.BatchCompleted:
                var now = time.GetUtcNow();
                if (_lastProgressLine is null || now - _lastProgressLine.Value >= ProgressInterval)
                {
                    _lastProgressLine = now;
                    Line(ProgressLine());
                }

                break;
            case MigrationEvent.KindOneofCase.TableCompleted:
                var done = migrationEvent.TableCompleted;
                var table = progress.Find(done.Table);
                var took = done.Duration is null ? string.Empty : $" in {ProgressFormat.Duration(done.Duration.ToTimeSpan())}";
                var rate = ProgressFormat.Rate(table?.RowsPerSecond ?? done.RowsPerSecond);
                Line($"table done: {done.Table}: {ProgressFormat.Count(done.Rows)} rows{took} ({rate}) " +
                     $"[{progress.TablesCompleted}/{progress.Tables.Count} tables]");
                break;
            case MigrationEvent.KindOneofCase.Warning:
                var warning = migrationEvent.Warning;
                Line(string.IsNullOrEmpty(warning.Table) ? $"warning: {warning.Message}" : $"warning: {warning.Table}: {warning.Message}");
                break;
            case MigrationEvent.KindOneofCase.Error:
                Line("error: " + EventText.Describe(migrationEvent.Error));
                break;
            case MigrationEvent.KindOneofCase.ValidationResult:
                var report = migrationEvent.ValidationResult;
                Line($"validation: {(report.Passed ? "PASSED" : "FAILED")}{(string.IsNullOrEmpty(report.Summary) ? string.Empty : " - " + report.Summary)}");
                break;
            case MigrationEvent.KindOneofCase.PlanReady:
                var plan = migrationEvent.PlanReady;
                Line($"plan ready: {plan.Waves.Sum(w => w.Tables.Count)} tables in {plan.Waves.Count} wave(s)");
                break;
        }
    }

    public void OnConnectionLost(WatchInterruption interruption)
    {
        ArgumentNullException.ThrowIfNull(interruption);
        Line($"connection lost ({interruption.Reason}); re-attaching after event #{interruption.AfterSequence} " +
             $"in {ProgressFormat.Duration(interruption.Delay)} (attempt {interruption.Attempt})");
    }

    /// <summary>"progress: 45,000/100,000 rows (45.0%), 12.3k rows/s, ETA 4s, 3/8 tables done; running: a 40.0%".</summary>
    public string ProgressLine()
    {
        var running = progress.Tables
            .Where(t => t.Status == TableStatus.Running)
            .Take(3)
            .Select(t => $"{t.Name} {ProgressFormat.Percent(t.RowsCopied, t.RowsTotal)}")
            .ToList();
        var more = progress.Tables.Count(t => t.Status == TableStatus.Running) - running.Count;
        var runningText = running.Count == 0
            ? string.Empty
            : "; running: " + string.Join(", ", running) + (more > 0 ? $" (+{more})" : string.Empty);
        return $"progress: {ProgressFormat.Count(progress.RowsCopied)}/{ProgressFormat.Count(progress.RowsTotal)} rows " +
               $"({ProgressFormat.Percent(progress.RowsCopied, progress.RowsTotal)}), {ProgressFormat.Rate(progress.RowsPerSecond)}, " +
               $"ETA {ProgressFormat.Eta(progress.EstimatedRemaining)}, {progress.TablesCompleted}/{progress.Tables.Count} tables done{runningText}";
    }

    private void Line(string text) =>
        output.WriteLine($"[{time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {text}");
}
