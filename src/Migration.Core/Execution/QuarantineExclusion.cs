namespace Migration.Core.Execution;

/// <summary>
/// The source rows of one table that the copy quarantined, for the validation to account for them (and only them):
/// the key columns they are identified by (empty: the heap position, ctid) and each row's key values as text.
/// </summary>
public sealed record QuarantineExclusion(IReadOnlyList<string> KeyColumns, IReadOnlyList<IReadOnlyList<string?>> Keys)
{
    public static QuarantineExclusion None { get; } = new([], []);

    public bool IsEmpty => Keys.Count == 0;
}
