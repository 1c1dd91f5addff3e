using Spectre.Console;
using Spectre.Console.Rendering;

namespace Migration.Cli.Display;

/// <summary>A progress column that shows one figure of the task's <see cref="IProgressFigures"/> (kept in its Tag).</summary>
internal sealed class FiguresColumn(Func<IProgressFigures, string> figure, int width) : ProgressColumn
{
    /// <summary>"12,000/50,000".</summary>
    public static FiguresColumn Rows() =>
        new(f => $"{ProgressFormat.Count(f.RowsCopied)}/{ProgressFormat.Count(f.RowsTotal)}", 23);

    /// <summary>"12.3k rows/s".</summary>
    public static FiguresColumn Rate() => new(f => ProgressFormat.Rate(f.RowsPerSecond), 13);

    /// <summary>"ETA 3m05s".</summary>
    public static FiguresColumn Eta() => new(f => "ETA " + ProgressFormat.Eta(f.EstimatedRemaining), 10);

    protected override bool NoWrap => true;

    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
    {
        ArgumentNullException.ThrowIfNull(task);
        var text = task.Tag is IProgressFigures figures ? figure(figures) : string.Empty;
        return new Text(text).RightJustified();
    }

    public override int? GetColumnWidth(RenderOptions options) => width;
}
