namespace Migration.Core.Mapping;

/// <summary>The key of a target table and, for <see cref="KeyStrategy.NewUuid"/>, how legacy ids become UUIDs.</summary>
public sealed record KeyMap
{
    /// <summary>Keep the source key, or give every row a new UUID.</summary>
    public KeyStrategy Strategy { get; init; } = KeyStrategy.NewUuid;

    /// <summary>
    /// The source column holding the legacy id (its text form is migration_mappings.legacy_id). Null: the source
    /// table's primary key, which must then be a single column.
    /// </summary>
    public string? SourceColumn { get; init; }

    /// <summary>The target column (type uuid) receiving the new id. Default "id".</summary>
    public string TargetColumn { get; init; } = "id";

    /// <summary>
    /// The target column that keeps the legacy id (e.g. "legacy_id"), written with the source key value converted to
    /// the column's type. Null: the legacy id is kept only in migration_mappings.
    /// </summary>
    public string? LegacyIdColumn { get; init; }

    /// <summary>
    /// The entity type name written to migration_mappings.entity_type and named by references that point at this
    /// table (<see cref="ReferenceMap.EntityType"/>). Null: the target table's name (without schema).
    /// </summary>
    public string? EntityType { get; init; }
}
