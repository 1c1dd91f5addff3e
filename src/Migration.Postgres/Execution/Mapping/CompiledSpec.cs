using Migration.Core.Catalog;
using Migration.Core.Mapping;

namespace Migration.Postgres.Execution.Mapping;

/// <summary>
/// A table's part of a mapping spec compiled for one copy: the source query (what SQL does well — filter, CASE value
/// maps, casts, defaults, expressions, concatenation, split, lookup joins, leftovers into jsonb, orphan flags — runs
/// in the source) and the columns of the target rows (new ids and rewritten references are computed in the process,
/// from the legacy ids alone).
/// </summary>
internal sealed class CompiledSpec
{
    public required TableMap Map { get; init; }

    public required QualifiedName Source { get; init; }

    public required QualifiedName Target { get; init; }

    /// <summary>The SELECT list (every output aliased <c>c0</c>, <c>c1</c>, … in ordinal order).</summary>
    public required string SelectList { get; init; }

    /// <summary>The FROM clause: the source table as <c>s</c> (a derived table when lookups are joined).</summary>
    public required string From { get; init; }

    /// <summary>The spec's row filter (null: every row).</summary>
    public string? Filter { get; init; }

    /// <summary>Ordinal of the legacy id (tables with new UUID keys).</summary>
    public int? LegacyOrdinal { get; init; }

    /// <summary>Ordinal of the row's source key as text (the paging key's values, or the heap position).</summary>
    public required int RowKeyOrdinal { get; init; }

    /// <summary>The entity type of the table's rows (migration_mappings.entity_type).</summary>
    public required string EntityType { get; init; }

    public required IReadOnlyList<SpecTargetColumn> Columns { get; init; }

    public required IReadOnlyList<ReferenceSlot> References { get; init; }

    public required IReadOnlyList<PolymorphicSlot> Polymorphics { get; init; }

    public required IReadOnlyList<RejectCheck> Rejects { get; init; }

    public DuplicatePlan? Duplicates { get; init; }

    /// <summary>COPY into the target table (the write columns in order).</summary>
    public required string CopyIn { get; init; }

    public string TargetColumnList => string.Join(", ", Columns.Select(c => QualifiedName.QuoteIdentifier(c.Name)));

    /// <summary>The page's query: the spec's rows within <paramref name="rangePredicate"/> (the pager's), in key order.</summary>
    public string Select(string rangePredicate, string orderBy) =>
        $"SELECT {SelectList} FROM {From} WHERE ({rangePredicate}){(Filter is null ? "" : $" AND ({Filter})")}{(orderBy.Length == 0 ? "" : " ORDER BY " + orderBy)}";
}
