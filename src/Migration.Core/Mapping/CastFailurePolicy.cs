namespace Migration.Core.Mapping;

/// <summary>What a <see cref="ColumnTransform.Cast"/> does with a value that does not convert.</summary>
public enum CastFailurePolicy
{
    /// <summary>The row is rejected (not written; listed as a bad row for review/quarantine with the reason).</summary>
    Reject,

    /// <summary>The value becomes NULL (then <see cref="ColumnMap.DefaultValue"/> applies).</summary>
    Null,

    /// <summary>The value becomes <see cref="ColumnMap.DefaultValue"/> (or NULL when it has none).</summary>
    Default,
}
