namespace Migration.Core.Catalog;

public enum ColumnTypeKind
{
    Base,
    Enum,
    Domain,
    Array,
    Composite,
    Range,
    Other,
}
