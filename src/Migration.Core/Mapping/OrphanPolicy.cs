namespace Migration.Core.Mapping;

/// <summary>What happens to a row whose reference points at a parent that does not exist (an orphan).</summary>
public enum OrphanPolicy
{
    /// <summary>The row is not written; it is counted and listed (table, legacy id, column, missing value) for review.</summary>
    SkipAndList,

    /// <summary>The row is written with the reference set to NULL (the target column must be nullable); counted.</summary>
    SetNull,

    /// <summary>The migration stops with an error naming the row and the missing parent.</summary>
    Fail,
}
