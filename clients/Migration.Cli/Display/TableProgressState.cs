using Migration.Contracts.V1;

namespace Migration.Cli.Display;

/// <summary>One table's progress as the watch sees it.</summary>
internal sealed class TableProgressState(string name) : IProgressFigures
{
    private readonly RateTracker _rate = new();
    private double _serverRate;

    public string Name { get; } = name;

    public TableStatus Status { get; set; } = TableStatus.Pending;

    public int Wave { get; set; }

    public WritePath WritePath { get; set; }

    public long RowsCopied { get; private set; }

    public long RowsTotal { get; set; }

    /// <summary>How long the table took (when completed).</summary>
    public TimeSpan? Duration { get; private set; }

    public double RowsPerSecond => Status == TableStatus.Completed && Duration is { TotalSeconds: > 0 } d
        ? RowsCopied / d.TotalSeconds
        : _rate.RowsPerSecond ?? _serverRate;

    public TimeSpan? EstimatedRemaining => Status switch
    {
        TableStatus.Completed => TimeSpan.Zero,
        TableStatus.Running => ProgressFormat.Remaining(RowsCopied, RowsTotal, RowsPerSecond),
        _ => null,
    };

    public void Start(long rowsTotal, long rowsAlreadyCopied, DateTimeOffset at)
    {
        Status = TableStatus.Running;
        RowsTotal = rowsTotal;
        RowsCopied = rowsAlreadyCopied;
        _rate.Clear();
        _rate.Add(at, rowsAlreadyCopied);
    }

    public void Copied(long rowsCopied, long rowsTotal, double serverRate, DateTimeOffset at)
    {
        if (Status == TableStatus.Pending)
        {
            Status = TableStatus.Running;
        }

        RowsCopied = Math.Max(RowsCopied, rowsCopied);
        if (rowsTotal > 0)
        {
            RowsTotal = rowsTotal;
        }

        _serverRate = serverRate;
        _rate.Add(at, RowsCopied);
    }

    public void Complete(long rows, TimeSpan? duration, double serverRate)
    {
        Status = TableStatus.Completed;
        RowsCopied = Math.Max(RowsCopied, rows);
        RowsTotal = Math.Max(RowsTotal, RowsCopied);
        Duration = duration;
        _serverRate = serverRate;
    }

    public void Seed(TableProgress table)
    {
        Status = table.Status;
        Wave = table.Wave;
        WritePath = table.WritePath;
        RowsTotal = table.RowsTotal;
        RowsCopied = table.RowsCopied;
        _serverRate = table.RowsPerSecond;
    }
}
