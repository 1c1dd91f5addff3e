namespace Migration.Core.Planning;

/// <summary>Where one source column goes. Identity in the foundation; transforms come with the mapping agent.</summary>
public sealed record ColumnMapping(string SourceColumn, string TargetColumn, string SourceType, string TargetType)
{
    public bool IsIdentity => SourceColumn == TargetColumn && SourceType == TargetType;
}
