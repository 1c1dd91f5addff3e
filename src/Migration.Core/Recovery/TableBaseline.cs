namespace Migration.Core.Recovery;

/// <summary>
/// One target table as it was before the migration wrote anything: whether it existed, its row count and its
/// order-independent content checksum over <see cref="Columns"/> (the same checksum the validation uses).
/// </summary>
public sealed record TableBaseline(string Table, bool Existed, long Rows, string Checksum, IReadOnlyList<string> Columns);
