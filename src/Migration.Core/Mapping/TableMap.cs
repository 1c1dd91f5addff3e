using System.Text.Json.Serialization;
using Migration.Core.Catalog;

namespace Migration.Core.Mapping;

/// <summary>
/// How one target table is filled from one source table. Each source row that passes <see cref="Filter"/> yields at
/// most one target row; the target row's columns are exactly those written by <see cref="Key"/>, <see cref="Columns"/>,
/// <see cref="References"/>, <see cref="PolymorphicReferences"/> and <see cref="Leftovers"/>. Target columns named
/// by none of them are left out of the insert (they get their default or NULL). Source columns named by none of
/// them are not read (unless <see cref="LeftoverMap.AllUnmapped"/>).
/// </summary>
/// <param name="Source">The source table (JSON: "schema.table" or "table" for public).</param>
/// <param name="Target">The target table; may differ from the source (rename).</param>
public sealed record TableMap(
    [property: JsonConverter(typeof(QualifiedNameJsonConverter))] QualifiedName Source,
    [property: JsonConverter(typeof(QualifiedNameJsonConverter))] QualifiedName Target)
{
    /// <summary>
    /// Optional row filter: a SQL boolean expression over the source table's columns (unqualified names), evaluated on
    /// the SOURCE as <c>WHERE (filter)</c> next to the paging condition. Rows for which it is not true are not read
    /// and are counted as "filtered", not as skipped by a policy. Null: every row.
    /// </summary>
    public string? Filter { get; init; }

    /// <summary>
    /// The key strategy. Null means <see cref="KeyStrategy.Keep"/> with the key columns mapped like any column by
    /// <see cref="Columns"/> (no UUIDs, no migration_mappings rows).
    /// </summary>
    public KeyMap? Key { get; init; }

    /// <summary>
    /// Lookup merges: values joined in from other source tables through an FK column of this table, usable under
    /// <see cref="LookupMerge.Name"/> wherever a source column name is accepted (<see cref="ColumnMap.Source"/>,
    /// <see cref="ColumnMap.Columns"/>, another lookup's <see cref="LookupMerge.SourceColumn"/>).
    /// </summary>
    public IReadOnlyList<LookupMerge> Lookups { get; init; } = [];

    /// <summary>Target columns computed from source columns, one transform each.</summary>
    public IReadOnlyList<ColumnMap> Columns { get; init; } = [];

    /// <summary>Source FK columns rewritten to the new UUIDs of their parents (self-references included).</summary>
    public IReadOnlyList<ReferenceMap> References { get; init; } = [];

    /// <summary>Polymorphic references (content type id + object id) rewritten to the new UUIDs of their targets.</summary>
    public IReadOnlyList<PolymorphicReferenceMap> PolymorphicReferences { get; init; } = [];

    /// <summary>Source columns folded into one JSONB target column. Null: none.</summary>
    public LeftoverMap? Leftovers { get; init; }

    /// <summary>What to do with rows whose natural key repeats. Null: no check beyond the target's own constraints.</summary>
    public DuplicateRule? Duplicates { get; init; }

    /// <summary>Suggestions only: how sure the suggester is of this table pairing (0..1). Ignored at execution.</summary>
    public double? Confidence { get; init; }

    /// <summary>Suggestions only: why this pairing was suggested. Ignored at execution.</summary>
    public string? Reason { get; init; }

    /// <summary>The entity type name of this table's rows: <see cref="KeyMap.EntityType"/>, else the target table's name.</summary>
    [JsonIgnore]
    public string EntityType => Key?.EntityType ?? Target.Name;

    /// <summary>Whether this table's rows get new UUID keys (and rows in migration_mappings).</summary>
    [JsonIgnore]
    public bool RemapsKeys => Key?.Strategy == KeyStrategy.NewUuid;

    /// <summary>Every target column this entry writes, in the order: key, legacy id, columns, references, leftovers.</summary>
    public IEnumerable<string> TargetColumns()
    {
        if (Key is { Strategy: KeyStrategy.NewUuid })
        {
            yield return Key.TargetColumn;
            if (Key.LegacyIdColumn is not null)
            {
                yield return Key.LegacyIdColumn;
            }
        }

        foreach (var column in Columns)
        {
            yield return column.Target;
        }

        foreach (var reference in References)
        {
            yield return reference.TargetColumn;
        }

        foreach (var polymorphic in PolymorphicReferences)
        {
            foreach (var column in polymorphic.TargetColumns())
            {
                yield return column;
            }
        }

        if (Leftovers is not null)
        {
            yield return Leftovers.TargetColumn;
        }
    }

    /// <summary>
    /// The source columns (and lookup names) this entry reads explicitly (not counting leftovers), used to decide what
    /// "all unmapped" means.
    /// </summary>
    public IEnumerable<string> ReadSourceColumns()
    {
        if (Key is { Strategy: KeyStrategy.NewUuid, SourceColumn: { } keySource })
        {
            yield return keySource;
        }

        foreach (var lookup in Lookups)
        {
            yield return lookup.SourceColumn;
        }

        foreach (var column in Columns)
        {
            foreach (var name in column.SourceColumns())
            {
                yield return name;
            }
        }

        foreach (var reference in References)
        {
            yield return reference.SourceColumn;
        }

        foreach (var polymorphic in PolymorphicReferences)
        {
            yield return polymorphic.TypeColumn;
            yield return polymorphic.IdColumn;
        }
    }
}
