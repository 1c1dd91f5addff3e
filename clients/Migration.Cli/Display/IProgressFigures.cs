namespace Migration.Cli.Display;

/// <summary>The figures a progress line shows, for a table or for the whole migration.</summary>
internal interface IProgressFigures
{
    long RowsCopied { get; }

    long RowsTotal { get; }

    double RowsPerSecond { get; }

    TimeSpan? EstimatedRemaining { get; }
}
