using System.Text.Json.Serialization;
using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// A value joined in from a lookup table of the source (e.g. dispatch_order.status_id → dispatch_status.name):
/// <c>LEFT JOIN table l ON l.keyColumn = row.sourceColumn</c>, taking <c>l.valueColumn</c>. The value is then
/// available under <see cref="Name"/> like a source column (a column map turns it into the target column, e.g. with a
/// value map onto an enum). No matching lookup row (or a NULL FK) gives NULL.
/// </summary>
/// <param name="Name">The name under which the looked-up value is used; must not clash with a source column.</param>
/// <param name="SourceColumn">The column of this table holding the lookup's key (or the name of another lookup of this
/// table, to chain lookups).</param>
/// <param name="Table">The lookup table in the source.</param>
/// <param name="ValueColumn">The lookup table's column taken.</param>
public sealed record LookupMerge(
    string Name,
    string SourceColumn,
    [property: JsonConverter(typeof(QualifiedNameJsonConverter))] QualifiedName Table,
    string ValueColumn)
{
    /// <summary>The lookup table's column matched with <see cref="SourceColumn"/>. Null: its single-column primary key.</summary>
    public string? KeyColumn { get; init; }
}
