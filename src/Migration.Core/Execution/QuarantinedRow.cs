namespace Migration.Core.Execution;

/// <summary>
/// A row set aside by the copy: the table, the page it was in, the reason, the row's source key (key values as text,
/// or the heap position for a table without a key), a bounded preview (secrets masked, long values cut) and whether
/// the full row payload is stored encrypted.
/// </summary>
public sealed record QuarantinedRow(
    long Id,
    string Table,
    string? BatchId,
    QuarantineReason Reason,
    IReadOnlyList<string?> SourceKey,
    string Preview,
    bool PayloadEncrypted,
    DateTimeOffset QuarantinedAt);
