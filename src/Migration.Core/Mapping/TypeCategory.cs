namespace Migration.Core.Mapping;

/// <summary>Broad families of PostgreSQL types, for deciding which transforms between two columns make sense.</summary>
public enum TypeCategory
{
    Integer,
    Decimal,
    Text,
    Boolean,
    Uuid,
    Date,
    Time,
    Timestamp,
    Json,
    Enum,
    Binary,
    Array,
    Other,
}
