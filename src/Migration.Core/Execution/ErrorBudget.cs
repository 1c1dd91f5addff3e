namespace Migration.Core.Execution;

/// <summary>
/// How many bad rows a table may set aside (quarantine) before the copy stops and asks a person (seed L1 → L3).
/// A page that fails on its data is bisected until the bad rows are isolated; each goes to the quarantine with its
/// reason while the page's other rows commit. The budget is exhausted when the table's quarantined rows exceed
/// <see cref="MaxQuarantinedRows"/>, or, once <see cref="FractionAppliesAfterRows"/> rows of the table have been seen,
/// exceed <see cref="MaxQuarantinedFraction"/> of them. Bound from configuration section <c>Migration:ErrorBudget</c>.
/// </summary>
public sealed record ErrorBudget
{
    /// <summary>Most rows of one table that may be quarantined; 0 turns isolation off (the first bad row stops the table).</summary>
    public int MaxQuarantinedRows { get; init; } = 1_000;

    /// <summary>Most quarantined rows as a fraction of the table's rows seen so far (0..1).</summary>
    public double MaxQuarantinedFraction { get; init; } = 0.01;

    /// <summary>The fraction is checked only once this many rows of the table have been seen (small tables: the count rules).</summary>
    public long FractionAppliesAfterRows { get; init; } = 10_000;

    /// <summary>No limit: every bad row is set aside (a person chose "skip the rows for review").</summary>
    public static ErrorBudget Unlimited { get; } = new() { MaxQuarantinedRows = int.MaxValue, MaxQuarantinedFraction = 1 };

    public static ErrorBudget Default { get; } = new();

    /// <summary>No isolation: the first row that fails on its data stops the table (its page rolled back).</summary>
    public static ErrorBudget IsolationOff { get; } = new() { MaxQuarantinedRows = 0 };

    public bool IsolationEnabled => MaxQuarantinedRows > 0;

    /// <summary>True when <paramref name="quarantined"/> bad rows out of <paramref name="rowsSeen"/> exceed the budget.</summary>
    public bool IsExceeded(long quarantined, long rowsSeen) =>
        quarantined > MaxQuarantinedRows ||
        (rowsSeen >= FractionAppliesAfterRows && rowsSeen > 0 && quarantined > MaxQuarantinedFraction * rowsSeen);

    /// <summary>Returns the problems with these settings, empty when they are valid.</summary>
    public IReadOnlyList<(string Field, string Problem)> Validate()
    {
        var problems = new List<(string, string)>();
        if (MaxQuarantinedRows < 0) problems.Add((nameof(MaxQuarantinedRows), "must not be negative"));
        if (MaxQuarantinedFraction is < 0 or > 1 || double.IsNaN(MaxQuarantinedFraction)) problems.Add((nameof(MaxQuarantinedFraction), "must lie between 0 and 1"));
        if (FractionAppliesAfterRows < 0) problems.Add((nameof(FractionAppliesAfterRows), "must not be negative"));
        return problems;
    }

    public override string ToString() =>
        MaxQuarantinedRows == int.MaxValue && MaxQuarantinedFraction >= 1
            ? "no limit"
            : $"at most {MaxQuarantinedRows} rows, or {MaxQuarantinedFraction:P1} of the rows seen after {FractionAppliesAfterRows}";
}
