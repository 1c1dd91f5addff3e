using Migration.Core.Catalog;

namespace Migration.UnitTests.Core.Builders;

/// <summary>Builds a <see cref="DatabaseCatalog"/> from tables described with <see cref="TableBuilder"/>.</summary>
public sealed class CatalogBuilder
{
    private readonly string _database;
    private readonly List<TableInfo> _tables = [];
    private readonly List<EnumTypeInfo> _enums = [];
    private readonly List<DomainInfo> _domains = [];

    public CatalogBuilder(string database = "db") => _database = database;

    /// <summary>A table with a primary key <c>id</c>, then whatever <paramref name="configure"/> adds.</summary>
    public CatalogBuilder Table(string name, Func<TableBuilder, TableBuilder>? configure = null)
    {
        var builder = new TableBuilder(name).PrimaryKey("id");
        _tables.Add((configure?.Invoke(builder) ?? builder).Build());
        return this;
    }

    /// <summary>A table exactly as <paramref name="configure"/> describes it (no key unless it adds one).</summary>
    public CatalogBuilder BareTable(string name, Func<TableBuilder, TableBuilder> configure)
    {
        _tables.Add(configure(new TableBuilder(name)).Build());
        return this;
    }

    public CatalogBuilder Add(TableInfo table)
    {
        _tables.Add(table);
        return this;
    }

    public CatalogBuilder Enum(string name, params string[] labels)
    {
        _enums.Add(new EnumTypeInfo(QualifiedName.Parse(name), labels));
        return this;
    }

    public CatalogBuilder Domain(string name, string baseType)
    {
        _domains.Add(new DomainInfo(QualifiedName.Parse(name), baseType, false, null, []));
        return this;
    }

    public DatabaseCatalog Build() => new(_database, "17.0", _tables.ToList(), [], _enums.ToList(), _domains.ToList(), []);

    /// <summary>The same tables, all empty: what the target looks like when the schema exists but holds no rows.</summary>
    public DatabaseCatalog BuildEmptyCopy(string database = "target") =>
        Build() with { Database = database, Tables = _tables.Select(t => t with { EstimatedRows = 0, ExactRows = null, SizeBytes = 0 }).ToList() };
}
