namespace Migration.Core.Mapping;

/// <summary>What a <see cref="ColumnTransform.ValueMap"/> does with a non-NULL source value it does not list.</summary>
public enum ValueMapElse
{
    /// <summary>The row is rejected (not written; listed as a bad row with the value and column).</summary>
    Reject,

    /// <summary>The target value is NULL (then <see cref="ColumnMap.DefaultValue"/> applies, if any).</summary>
    Null,

    /// <summary>The target value is <see cref="ColumnMap.DefaultValue"/> (required for this choice).</summary>
    Default,

    /// <summary>The source value's text form is written as it is (the target type must accept it).</summary>
    Keep,
}
