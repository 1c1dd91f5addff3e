namespace Migration.Core.Validation;

public sealed record ValidationReport(IReadOnlyList<TableValidation> Tables, DateTimeOffset ValidatedAt, long BatchesValidated)
{
    public bool Passed => Tables.All(t => t.Passed);

    public string Summary
    {
        get
        {
            var failed = Tables.Count(t => !t.Passed);
            var rows = Tables.Sum(t => t.TargetRows);
            return failed == 0
                ? $"All {Tables.Count} tables match: {rows:N0} rows, identical counts and content checksums, no orphans."
                : $"{failed} of {Tables.Count} tables do NOT match: " + string.Join("; ", Tables.Where(t => !t.Passed).Select(t => $"{t.Table}: {string.Join(", ", t.Issues)}"));
        }
    }
}
