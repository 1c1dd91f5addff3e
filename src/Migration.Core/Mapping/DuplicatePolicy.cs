namespace Migration.Core.Mapping;

/// <summary>What happens to rows that share a natural key (<see cref="DuplicateRule.Columns"/>).</summary>
public enum DuplicatePolicy
{
    /// <summary>Every row of a repeated natural key after the first is not written; counted and listed for review.</summary>
    Skip,

    /// <summary>The first row (in source key order) is written, later ones dropped; counted, not listed.</summary>
    KeepFirst,

    /// <summary>A later row overwrites the earlier one (upsert on the natural key; last wins); counted.</summary>
    Update,

    /// <summary>The migration stops with an error naming the natural key and both legacy ids.</summary>
    Fail,
}
