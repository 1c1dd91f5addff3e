namespace Migration.Postgres.Execution.Mapping;

/// <summary>A target column's type as the spec compiler needs it.</summary>
/// <param name="Formatted">format_type, e.g. <c>numeric(12,2)</c>, <c>timestamp with time zone</c>, <c>public.order_status</c>.</param>
/// <param name="DataTypeName">The type's <c>schema.name</c>, what Npgsql writes a value as (e.g. <c>pg_catalog.numeric</c>).</param>
/// <param name="Kind">pg_type.typtype: b (base), e (enum), d (domain), c (composite), r (range), ….</param>
/// <param name="DomainBase">For a domain, format_type of its base type.</param>
/// <param name="BuiltIn">A pg_catalog type (or an array of one): the source knows it too, so values can be cast to it there.</param>
internal sealed record TargetColumnType(string Formatted, string DataTypeName, char Kind, string? DomainBase, bool BuiltIn)
{
    /// <summary>
    /// The type a value is cast to in the SOURCE query: the target type itself when the source has it (built in, or a
    /// domain's built-in base), else text, which the target parses (enums and other types the source lacks).
    /// </summary>
    public string SourceCastType => BuiltIn ? Formatted : Kind == 'd' && DomainBase is not null ? DomainBase : "text";
}
