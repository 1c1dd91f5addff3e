namespace Migration.Core.Validation;

/// <summary>Full validation of one table: counts, order-independent content checksums, orphans.</summary>
public sealed record TableValidation(
    string Table,
    long SourceRows,
    long TargetRows,
    string SourceChecksum,
    string TargetChecksum,
    long OrphanRows,
    IReadOnlyList<string> Issues)
{
    public bool Passed => Issues.Count == 0;

    /// <summary>Source rows the copy set aside in the quarantine, left out of the source's count and checksum (only those).</summary>
    public long QuarantinedRows { get; init; }
}
