namespace Migration.Core.Catalog;

/// <summary>A table column as read from pg_catalog.</summary>
/// <param name="DataType">The type as <c>format_type</c> prints it, e.g. <c>numeric(12,2)</c>, <c>text[]</c>, <c>public.mood</c>.</param>
/// <param name="TypeKind">What kind of type it is: base, enum, domain, array, composite, range.</param>
/// <param name="Identity">'a' (ALWAYS), 'd' (BY DEFAULT) or null.</param>
/// <param name="GeneratedExpression">Expression of a STORED generated column; such columns are never copied.</param>
public sealed record ColumnInfo(
    string Name,
    int Ordinal,
    string DataType,
    ColumnTypeKind TypeKind,
    bool IsNullable,
    string? DefaultExpression,
    char? Identity,
    string? GeneratedExpression)
{
    public bool IsGenerated => GeneratedExpression is not null;
}
