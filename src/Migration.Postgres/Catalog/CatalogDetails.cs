using Migration.Core.Catalog;
using Npgsql;

namespace Migration.Postgres.Catalog;

/// <summary>The second round trip's result sets (columns, constraints, indexes, sequences, enums, domains, extensions).</summary>
internal sealed class CatalogDetails
{
    private readonly Dictionary<uint, List<ColumnInfo>> _columns = [];
    private readonly Dictionary<uint, List<ConstraintRow>> _constraints = [];
    private readonly Dictionary<uint, List<IndexInfo>> _indexes = [];

    public IReadOnlyList<SequenceInfo> Sequences { get; private set; } = [];

    public IReadOnlyList<EnumTypeInfo> Enums { get; private set; } = [];

    /// <summary>Domains in dependency order: a domain over another domain comes after it.</summary>
    public IReadOnlyList<DomainInfo> Domains { get; private set; } = [];

    public IReadOnlyList<ExtensionInfo> Extensions { get; private set; } = [];

    public IReadOnlyList<ColumnInfo> ColumnsOf(uint oid) => _columns.TryGetValue(oid, out var list) ? list : [];

    public IReadOnlyList<ConstraintRow> ConstraintsOf(uint oid) => _constraints.TryGetValue(oid, out var list) ? list : [];

    public IReadOnlyList<IndexInfo> IndexesOf(uint oid) => _indexes.TryGetValue(oid, out var list) ? list : [];

    /// <summary>Reads the result sets in the order <see cref="PostgresCatalogReader"/> batched them.</summary>
    public static async Task<CatalogDetails> ReadAsync(NpgsqlDataReader reader, IReadOnlySet<uint> selected, CatalogFilter filter, CancellationToken cancellationToken)
    {
        var details = new CatalogDetails();
        await details.ReadColumnsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadConstraintsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadIndexesAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadSequencesAsync(reader, selected, filter, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadEnumsAsync(reader, filter, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadDomainsAsync(reader, filter, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await details.ReadExtensionsAsync(reader, cancellationToken);
        return details;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static ColumnTypeKind KindOf(char typtype, char category) => typtype switch
    {
        'e' => ColumnTypeKind.Enum,
        'd' => ColumnTypeKind.Domain,
        'c' => ColumnTypeKind.Composite,
        'r' or 'm' => ColumnTypeKind.Range,
        'b' when category == 'A' => ColumnTypeKind.Array,
        'b' => ColumnTypeKind.Base,
        _ => ColumnTypeKind.Other,
    };

    private async Task ReadColumnsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            var identity = reader.GetChar(8);
            var column = new ColumnInfo(
                Name: reader.GetString(1),
                Ordinal: reader.GetInt32(2),
                DataType: reader.GetString(3),
                TypeKind: KindOf(reader.GetChar(4), reader.GetChar(5)),
                IsNullable: !reader.GetBoolean(6),
                DefaultExpression: NullableString(reader, 7),
                Identity: identity is 'a' or 'd' ? identity : null,
                GeneratedExpression: NullableString(reader, 9));
            Add(_columns, reader.GetFieldValue<uint>(0), column);
        }
    }

    private async Task ReadConstraintsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new ConstraintRow(
                Name: reader.GetString(1),
                Type: reader.GetChar(2),
                Definition: reader.GetString(3),
                IsDeferrable: reader.GetBoolean(4),
                Columns: reader.GetFieldValue<string[]>(5),
                ReferencedTable: reader.IsDBNull(6) ? null : new QualifiedName(reader.GetString(6), reader.GetString(7)),
                ReferencedColumns: reader.GetFieldValue<string[]>(8),
                Inherited: reader.GetBoolean(9),
                IsLocal: reader.GetBoolean(10));
            Add(_constraints, reader.GetFieldValue<uint>(0), row);
        }
    }

    private async Task ReadIndexesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = new IndexInfo(reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetFieldValue<string[]>(4));
            Add(_indexes, reader.GetFieldValue<uint>(0), index);
        }
    }

    /// <summary>
    /// A sequence is kept when a default of a selected table calls it, when it is owned by a selected table's column,
    /// or, owned by no column, when its schema is included.
    /// </summary>
    private async Task ReadSequencesAsync(NpgsqlDataReader reader, IReadOnlySet<uint> selected, CatalogFilter filter, CancellationToken cancellationToken)
    {
        var sequences = new List<SequenceInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var schema = reader.GetString(0);
            uint? owner = reader.IsDBNull(8) ? null : reader.GetFieldValue<uint>(8);
            var usedByDefault = reader.GetBoolean(13);
            var keep = usedByDefault || (owner is { } o ? selected.Contains(o) : filter.IncludesSchema(schema));
            if (!keep)
            {
                continue;
            }

            sequences.Add(new SequenceInfo(
                Name: new QualifiedName(schema, reader.GetString(1)),
                DataType: reader.GetString(2),
                Increment: reader.GetInt64(3),
                MinValue: reader.GetInt64(4),
                MaxValue: reader.GetInt64(5),
                Start: reader.GetInt64(6),
                Cycle: reader.GetBoolean(7),
                OwnedByTable: owner is null ? null : new QualifiedName(reader.GetString(9), reader.GetString(10)),
                OwnedByColumn: owner is null ? null : reader.GetString(11),
                LastValue: reader.IsDBNull(12) ? null : reader.GetInt64(12)));
        }

        Sequences = sequences;
    }

    /// <summary>An enum or domain is kept when a selected column uses it (even from another schema) or its schema is included.</summary>
    private async Task ReadEnumsAsync(NpgsqlDataReader reader, CatalogFilter filter, CancellationToken cancellationToken)
    {
        var enums = new List<EnumTypeInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var schema = reader.GetString(0);
            if (reader.GetBoolean(3) || filter.IncludesSchema(schema))
            {
                enums.Add(new EnumTypeInfo(new QualifiedName(schema, reader.GetString(1)), reader.GetFieldValue<string[]>(2)));
            }
        }

        Enums = enums;
    }

    private async Task ReadDomainsAsync(NpgsqlDataReader reader, CatalogFilter filter, CancellationToken cancellationToken)
    {
        var domains = new List<(uint Oid, uint BaseOid, DomainInfo Domain)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var schema = reader.GetString(1);
            if (!reader.GetBoolean(8) && !filter.IncludesSchema(schema))
            {
                continue;
            }

            var domain = new DomainInfo(
                new QualifiedName(schema, reader.GetString(2)),
                reader.GetString(3),
                reader.GetBoolean(4),
                NullableString(reader, 5),
                reader.GetFieldValue<string[]>(6));
            domains.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(7), domain));
        }

        var byOid = domains.ToDictionary(d => d.Oid);
        int Depth(uint oid) => byOid.TryGetValue(oid, out var d) ? 1 + Depth(d.BaseOid) : 0;
        Domains = domains
            .OrderBy(d => Depth(d.Oid))
            .ThenBy(d => d.Domain.Name)
            .Select(d => d.Domain)
            .ToList();
    }

    private async Task ReadExtensionsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var extensions = new List<ExtensionInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            extensions.Add(new ExtensionInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        Extensions = extensions;
    }

    private static void Add<T>(Dictionary<uint, List<T>> map, uint key, T item)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map.Add(key, list);
        }

        list.Add(item);
    }
}
