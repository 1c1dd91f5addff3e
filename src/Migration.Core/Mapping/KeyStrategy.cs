namespace Migration.Core.Mapping;

public enum KeyStrategy
{
    /// <summary>The source key values are written as they are (through <see cref="TableMap.Columns"/>); no UUIDs.</summary>
    Keep,

    /// <summary>
    /// Each row gets a new UUID in <see cref="KeyMap.TargetColumn"/>; the source key value is kept in
    /// <see cref="KeyMap.LegacyIdColumn"/> (if named) and a row (entity_type, legacy_id, new_id, migration_batch) is
    /// written to migration_mappings in the same transaction as the row.
    /// </summary>
    NewUuid,
}
