namespace Migration.Core.Planning;

/// <summary>Where one source column goes. Identity in the foundation; transforms come with the mapping agent.</summary>
public sealed record ColumnMapping(string SourceColumn, string TargetColumn, string SourceType, string TargetType)
{
    public bool IsIdentity => Transform is null && SourceColumn == TargetColumn && SourceType == TargetType;

    /// <summary>With a mapping spec: how the target value is made (e.g. "status_code → status (value map, ...)"). Null: copied.</summary>
    public string? Transform { get; init; }
}
