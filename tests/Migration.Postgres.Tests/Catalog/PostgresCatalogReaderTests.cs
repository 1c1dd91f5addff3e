using Microsoft.Extensions.Logging.Abstractions;
using Migration.Core.Catalog;
using Migration.Postgres.Catalog;
using Migration.Postgres.Tests.Schema;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Catalog;

[Collection("postgres")]
public sealed class PostgresCatalogReaderTests(PostgresServer server, RichSource source) : IClassFixture<RichSource>
{
    private readonly PostgresCatalogReader _reader = new(NullLogger<PostgresCatalogReader>.Instance);

    private static QualifiedName Name(string text) => QualifiedName.Parse(text);

    /// <summary>Reads the class's shared rich database, which these tests do not change.</summary>
    private async Task<(string ConnectionString, DatabaseCatalog Catalog)> ReadRichAsync(bool exactCounts = false, CatalogFilter? filter = null)
    {
        var (database, _) = await source.GetAsync(server);
        return (database, await _reader.ReadAsync(database, filter ?? CatalogFilter.All, exactCounts));
    }

    [Fact]
    public async Task ReadAsync_RichSchema_ReadsTablesAndColumns()
    {
        var (database, catalog) = await ReadRichAsync();

        Assert.Equal(await PostgresServer.ScalarAsync<string>(database, "SHOW server_version"), catalog.ServerVersion);
        Assert.Equal(new NpgsqlConnectionStringBuilder(database).Database, catalog.Database);
        Assert.Equal(
            ["hr.departments", "hr.employees", "public.Audit Log", "public.countries", "sales.customers", "sales.events", "sales.events_2024",
             "sales.events_2025", "sales.events_other", "sales.order_items", "sales.orders", "sales.products", "sales.returns", "sales.shipments"],
            catalog.Tables.Select(t => t.Name.ToString()).Order(StringComparer.Ordinal));

        var customers = catalog.FindTable(Name("sales.customers"))!;
        var id = customers.FindColumn("id")!;
        Assert.Equal(("bigint", 'a', false), (id.DataType, id.Identity!.Value, id.IsNullable));
        Assert.Equal(("sales.email", ColumnTypeKind.Domain), (customers.FindColumn("email")!.DataType, customers.FindColumn("email")!.TypeKind));
        Assert.Equal(("text[]", ColumnTypeKind.Array), (customers.FindColumn("tags")!.DataType, customers.FindColumn("tags")!.TypeKind));
        Assert.Equal(("jsonb", ColumnTypeKind.Base, true), (customers.FindColumn("prefs")!.DataType, customers.FindColumn("prefs")!.TypeKind, customers.FindColumn("prefs")!.IsNullable));
        Assert.Equal("now()", customers.FindColumn("created_at")!.DefaultExpression);
        Assert.Equal(["id"], customers.PrimaryKey!.Columns);
        Assert.Equal("customers_email_key", Assert.Single(customers.UniqueKeys).Name);

        var orders = catalog.FindTable(Name("sales.orders"))!;
        Assert.Equal('d', orders.FindColumn("id")!.Identity);
        Assert.Equal(("sales.order_status", ColumnTypeKind.Enum, "'new'::sales.order_status"),
            (orders.FindColumn("status")!.DataType, orders.FindColumn("status")!.TypeKind, orders.FindColumn("status")!.DefaultExpression));
        Assert.Equal(("sales.order_status[]", ColumnTypeKind.Array), (orders.FindColumn("history")!.DataType, orders.FindColumn("history")!.TypeKind));
        Assert.Equal("nextval('sales.invoice_no_seq'::regclass)", orders.FindColumn("invoice_no")!.DefaultExpression);
        Assert.Equal("timestamp with time zone", orders.FindColumn("placed_at")!.DataType);

        var items = catalog.FindTable(Name("sales.order_items"))!;
        var amount = items.FindColumn("amount")!;
        Assert.True(amount.IsGenerated);
        Assert.Equal("((quantity)::numeric * unit_price)", amount.GeneratedExpression);
        Assert.Equal(["order_id", "line_no", "product_id", "quantity", "unit_price"], items.CopyableColumns.Select(c => c.Name));

        // The dropped column leaves no trace and no gap in the ordinals.
        var products = catalog.FindTable(Name("sales.products"))!;
        Assert.Null(products.FindColumn("legacy_code"));
        Assert.Equal(Enumerable.Range(1, products.Columns.Count), products.Columns.Select(c => c.Ordinal));
        Assert.Equal(("numeric(12,2)", "daterange", ColumnTypeKind.Range, "uuid", "bytea"),
            (products.FindColumn("price")!.DataType, products.FindColumn("available")!.DataType, products.FindColumn("available")!.TypeKind,
             products.FindColumn("ref")!.DataType, products.FindColumn("photo")!.DataType));
        Assert.Equal("nextval('sales.products_id_seq'::regclass)", products.FindColumn("id")!.DefaultExpression);

        var audit = catalog.FindTable(Name("public.Audit Log"))!;
        Assert.Null(audit.PrimaryKey);
        Assert.Null(audit.PagingKey);
        Assert.Equal(["At", "Who", "What", "details"], audit.Columns.Select(c => c.Name));

        var countries = catalog.FindTable(Name("public.countries"))!;
        Assert.Null(countries.PrimaryKey);
        Assert.Equal(["code"], countries.PagingKey);
        Assert.Equal("character(2)", countries.FindColumn("code")!.DataType);
    }

    [Fact]
    public async Task ReadAsync_RichSchema_ReadsKeysForeignKeysIndexesAndChecks()
    {
        var (_, catalog) = await ReadRichAsync();

        var items = catalog.FindTable(Name("sales.order_items"))!;
        Assert.Equal(("order_items_pkey", "PRIMARY KEY (order_id, line_no)"), (items.PrimaryKey!.Name, items.PrimaryKey.Definition));
        Assert.Equal(["order_id", "line_no"], items.PrimaryKey.Columns);
        Assert.Equal(["order_items_order_id_fkey", "order_items_product_id_fkey"], items.ForeignKeys.Select(f => f.Name));
        Assert.Equal("FOREIGN KEY (order_id) REFERENCES sales.orders(id) ON DELETE CASCADE", items.ForeignKeys[0].Definition);
        Assert.Equal("CHECK ((quantity > 0))", Assert.Single(items.Checks).Definition);

        var shipments = catalog.FindTable(Name("sales.shipments"))!;
        var composite = Assert.Single(shipments.ForeignKeys);
        Assert.Equal(["order_id", "line_no"], composite.Columns);
        Assert.Equal(["order_id", "line_no"], composite.ReferencedColumns);
        Assert.Equal((Name("sales.order_items"), true), (composite.ReferencedTable, composite.IsDeferrable));
        Assert.EndsWith("DEFERRABLE INITIALLY DEFERRED", composite.Definition, StringComparison.Ordinal);

        var customers = catalog.FindTable(Name("sales.customers"))!;
        Assert.Contains(customers.ForeignKeys, f => f.IsSelfReference && f.Columns.SequenceEqual(["referred_by"]));
        Assert.Equal(["customers_lower_name", "customers_name_trgm"], customers.Indexes.Select(i => i.Name));
        Assert.Equal("CREATE INDEX customers_name_trgm ON sales.customers USING gin (name public.gin_trgm_ops)", customers.Indexes[1].Definition);
        Assert.Equal(["lower(name)"], customers.Indexes[0].Columns);

        var orders = catalog.FindTable(Name("sales.orders"))!;
        Assert.Equal(["orders_customer_placed", "orders_open"], orders.Indexes.Select(i => i.Name));
        Assert.Equal(["customer_id", "placed_at"], orders.Indexes[0].Columns);
        Assert.Equal("CHECK ((placed_at > '2000-01-01 00:00:00+00'::timestamp with time zone))", Assert.Single(orders.Checks).Definition);

        // The FK cycle departments <-> employees, and the employees' self-reference.
        var departments = catalog.FindTable(Name("hr.departments"))!;
        var employees = catalog.FindTable(Name("hr.employees"))!;
        Assert.Equal(Name("hr.employees"), Assert.Single(departments.ForeignKeys).ReferencedTable);
        Assert.True(departments.ForeignKeys[0].IsDeferrable);
        Assert.Contains(employees.ForeignKeys, f => f.ReferencedTable == Name("hr.departments") && !f.IsDeferrable);
        Assert.Contains(employees.ForeignKeys, f => f.IsSelfReference);

        var countries = catalog.FindTable(Name("public.countries"))!;
        Assert.Equal(("countries_code_key", "UNIQUE (code)"), (Assert.Single(countries.UniqueKeys).Name, countries.UniqueKeys[0].Definition));
        Assert.Empty(countries.Indexes);
    }

    [Fact]
    public async Task ReadAsync_PartitionedTable_ListsParentAndPartitions()
    {
        var (_, catalog) = await ReadRichAsync();

        var events = catalog.FindTable(Name("sales.events"))!;
        Assert.True(events.IsPartitioned);
        Assert.Null(events.PartitionParent);
        Assert.Equal("RANGE (occurred_at)", events.PartitionKey);
        Assert.Equal(["id", "occurred_at"], events.PrimaryKey!.Columns);
        Assert.Equal("events_customer_id_fkey", Assert.Single(events.ForeignKeys).Name);
        Assert.Equal("CREATE INDEX events_kind ON ONLY sales.events USING btree (kind)", Assert.Single(events.Indexes).Definition);
        Assert.Equal(3_000, events.Rows);
        Assert.True(events.SizeBytes > 0);

        var y2024 = catalog.FindTable(Name("sales.events_2024"))!;
        Assert.Equal(Name("sales.events"), y2024.PartitionParent);
        Assert.Equal("FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00')", y2024.PartitionBound);
        Assert.False(y2024.IsPartitioned);
        Assert.Equal(["id", "occurred_at"], y2024.PrimaryKey!.Columns);
        Assert.Empty(y2024.ForeignKeys);
        Assert.Empty(y2024.Indexes);
        Assert.Equal(1_255, y2024.Rows);
        Assert.Equal("DEFAULT", catalog.FindTable(Name("sales.events_other"))!.PartitionBound);
    }

    [Fact]
    public async Task ReadAsync_RichSchema_ReadsSequencesEnumsDomainsAndExtensions()
    {
        var (_, catalog) = await ReadRichAsync();

        var sequences = catalog.Sequences.ToDictionary(s => s.Name.ToString());
        Assert.Equal(["sales.customers_id_seq", "sales.invoice_no_seq", "sales.orders_id_seq", "sales.products_id_seq", "sales.returns_id_seq",
            "sales.shipments_id_seq", "sales.unused_seq"], sequences.Keys.Order(StringComparer.Ordinal));
        var invoice = sequences["sales.invoice_no_seq"];
        Assert.Equal(("bigint", 5L, 1000L, (QualifiedName?)null, 8_510L), (invoice.DataType, invoice.Increment, invoice.Start, invoice.OwnedByTable, invoice.LastValue));
        var customers = sequences["sales.customers_id_seq"];
        Assert.Equal((Name("sales.customers"), "id", 100L, 10L, 6_090L),
            (customers.OwnedByTable!, customers.OwnedByColumn!, customers.Start, customers.Increment, customers.LastValue!.Value));
        Assert.Equal((Name("sales.products"), "id", "integer"), (sequences["sales.products_id_seq"].OwnedByTable!, sequences["sales.products_id_seq"].OwnedByColumn!, sequences["sales.products_id_seq"].DataType));
        Assert.Null(sequences["sales.returns_id_seq"].LastValue);
        Assert.Null(sequences["sales.unused_seq"].LastValue);

        Assert.Equal(["new", "paid", "shipped", "cancelled"], catalog.Enums.Single(e => e.Name == Name("sales.order_status")).Labels);
        Assert.Equal(["sales.order_status", "sales.priority"], catalog.Enums.Select(e => e.Name.ToString()));

        Assert.Equal(["sales.email", "sales.money_amount", "sales.small_amount"], catalog.Domains.Select(d => d.Name.ToString()));
        var money = catalog.Domains[1];
        Assert.Equal(("numeric(12,2)", true, "0"), (money.BaseType, money.NotNull, money.DefaultExpression!));
        Assert.Equal(["CHECK ((VALUE >= (0)::numeric))"], money.Checks);
        Assert.Equal("sales.money_amount", catalog.Domains[2].BaseType);
        Assert.Equal("public.citext", catalog.Domains[0].BaseType);

        Assert.Contains("citext", catalog.Extensions);
        Assert.Contains("pg_trgm", catalog.Extensions);
        Assert.Contains(new ExtensionInfo("citext", "public", catalog.ExtensionDetails.Single(e => e.Name == "citext").Version), catalog.ExtensionDetails);
    }

    [Fact]
    public async Task ReadAsync_NeverAnalyzedSmallTable_CountsExactly()
    {
        var database = await server.CreateDatabaseAsync("catalog");
        await PostgresServer.ExecuteAsync(database, """
            CREATE TABLE fresh (id int PRIMARY KEY, label text) WITH (autovacuum_enabled = false);
            INSERT INTO fresh SELECT g, 'row ' || g FROM generate_series(1, 1234) g;
            CREATE TABLE analyzed (id int) WITH (autovacuum_enabled = false);
            INSERT INTO analyzed SELECT generate_series(1, 2000);
            ANALYZE analyzed;
            """);

        var catalog = await _reader.ReadAsync(database, CatalogFilter.All, exactCounts: false);

        var fresh = catalog.FindTable(Name("public.fresh"))!;
        Assert.Equal((1_234L, 1_234L), (fresh.EstimatedRows, fresh.ExactRows!.Value));
        var analyzed = catalog.FindTable(Name("public.analyzed"))!;
        Assert.Equal(2_000, analyzed.EstimatedRows);
        Assert.Null(analyzed.ExactRows);
    }

    [Fact]
    public async Task ReadAsync_ExactCounts_CountsEveryTable()
    {
        var (_, catalog) = await ReadRichAsync(exactCounts: true);

        foreach (var (table, rows) in RichSchema.RowCounts)
        {
            var info = catalog.FindTable(Name(table))!;
            Assert.Equal((table, rows, rows), (table, info.ExactRows!.Value, info.EstimatedRows));
        }
    }

    [Fact]
    public async Task ReadAsync_SchemaFilter_KeepsTypesAndSequencesTheTablesUse()
    {
        var database = await server.CreateDatabaseAsync("catalog");
        await RichSchema.LoadAsync(database);
        await PostgresServer.ExecuteAsync(database, """
            CREATE SCHEMA migration_control;
            CREATE TABLE migration_control.checkpoints (id int PRIMARY KEY);
            CREATE TABLE hr.badges (id int PRIMARY KEY, colour sales.priority, serial_no bigint DEFAULT nextval('sales.invoice_no_seq'));
            """);

        var hr = await _reader.ReadAsync(database, new CatalogFilter(["hr"], [], [], []), exactCounts: false);

        Assert.Equal(["hr.badges", "hr.departments", "hr.employees"], hr.Tables.Select(t => t.Name.ToString()));
        Assert.Equal(["sales.priority"], hr.Enums.Select(e => e.Name.ToString()));
        Assert.Equal(["sales.invoice_no_seq"], hr.Sequences.Select(s => s.Name.ToString()));
        Assert.Empty(hr.Domains);

        var all = await _reader.ReadAsync(database, CatalogFilter.All, exactCounts: false);
        Assert.DoesNotContain(all.Tables, t => t.Name.Schema == "migration_control");
    }

    [Fact]
    public async Task ReadAsync_TableFilterOnPartitionedTable_IncludesItsPartitions()
    {
        var (_, catalog) = await ReadRichAsync(filter: new CatalogFilter([], [], ["sales.events", "countries"], []));

        Assert.Equal(["public.countries", "sales.events", "sales.events_2024", "sales.events_2025", "sales.events_other"],
            catalog.Tables.Select(t => t.Name.ToString()));
        Assert.DoesNotContain(catalog.Sequences, s => s.OwnedByTable is not null);
    }

    [Fact]
    public async Task ReadAsync_CompositeAndExtensionObjects_KindsAndMembershipRight()
    {
        var database = await server.CreateDatabaseAsync("catalog");
        await PostgresServer.ExecuteAsync(database, """
            CREATE EXTENSION hstore;
            CREATE TYPE public.address AS (street text, city text);
            CREATE TABLE public.people (id int PRIMARY KEY, home public.address, extra public.hstore, spans int4range[], ok boolean);
            """);

        var catalog = await _reader.ReadAsync(database, CatalogFilter.All, exactCounts: false);

        var people = Assert.Single(catalog.Tables);
        Assert.Equal(
            [("id", ColumnTypeKind.Base), ("home", ColumnTypeKind.Composite), ("extra", ColumnTypeKind.Base), ("spans", ColumnTypeKind.Array), ("ok", ColumnTypeKind.Base)],
            people.Columns.Select(c => (c.Name, c.TypeKind)));
        Assert.Equal(["public.address", "public.hstore"], people.Columns.Skip(1).Take(2).Select(c => c.DataType));
        Assert.Empty(catalog.Domains);
        Assert.Contains(catalog.ExtensionDetails, e => e.Name == "hstore" && e.Schema == "public");
    }

    [Fact]
    public async Task ReadAsync_UnreachableServer_ThrowsNpgsqlException()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Port = 1, Timeout = 5 }.ConnectionString;

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => _reader.ReadAsync(unreachable, CatalogFilter.All, exactCounts: false));
    }
}
