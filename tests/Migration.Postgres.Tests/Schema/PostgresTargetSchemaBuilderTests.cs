using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Postgres.Schema;
using Migration.Testing;

namespace Migration.Postgres.Tests.Schema;

[Collection("postgres")]
public sealed class PostgresTargetSchemaBuilderTests(PostgresServer server, RichSource source) : IClassFixture<RichSource>
{
    private static async Task<DatabaseCatalog> ReadAsync(string database) =>
        await MigratedPair.Reader.ReadAsync(database, CatalogFilter.All, exactCounts: true);

    [Fact]
    public async Task PrepareAndFinish_EmptyTarget_TargetCatalogEqualsSource()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "schema");

        var sourceCatalog = await ReadAsync(pair.Source);
        var target = await ReadAsync(pair.Target);

        Assert.Equal(CatalogSnapshot.Of(sourceCatalog), CatalogSnapshot.Of(target));
        foreach (var (table, rows) in RichSchema.RowCounts)
        {
            Assert.Equal((table, rows), (table, target.FindTable(QualifiedName.Parse(table))!.ExactRows!.Value));
        }
    }

    [Fact]
    public async Task PrepareAsync_EmptyTarget_CreatesTablesWithPrimaryKeysOnly()
    {
        var pair = await MigratedPair.CreateEmptyAsync(server, source, "schema");

        await MigratedPair.Builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);

        var target = await ReadAsync(pair.Target);
        Assert.Equal(pair.Catalog.Tables.Select(t => t.Name), target.Tables.Select(t => t.Name));
        foreach (var table in target.Tables)
        {
            var original = pair.Catalog.FindTable(table.Name)!;
            Assert.Equal(original.Columns, table.Columns);
            Assert.Equal((original.PrimaryKey?.Name, original.PrimaryKey?.Definition), (table.PrimaryKey?.Name, table.PrimaryKey?.Definition));
            Assert.Equal((table.Name, 0), (table.Name, table.ForeignKeys.Count + table.Indexes.Count + table.Checks.Count + table.UniqueKeys.Count));
            Assert.Equal(original.PartitionBound, table.PartitionBound);
        }

        Assert.Equal(pair.Catalog.Enums.Select(e => (e.Name, string.Join(",", e.Labels))), target.Enums.Select(e => (e.Name, string.Join(",", e.Labels))));
        Assert.Equal(pair.Catalog.Domains, target.Domains, new DomainComparer());
        Assert.Equal(pair.Catalog.Sequences.Select(s => s with { LastValue = null }), target.Sequences);
    }

    [Fact]
    public async Task FinishAsync_AfterLoad_SetsSequencesPastLoadedValues()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "schema");

        Assert.Equal(201L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.products_id_seq')"));
        Assert.Equal(1_001L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.shipments_id_seq')"));
        Assert.Equal(8_515L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.invoice_no_seq')"));
        // Empty table and never-used sequences start at their start value (is_called = false), not one past it.
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.returns_id_seq')"));
        Assert.Equal(7L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.unused_seq')"));
        // Identity columns: ALWAYS (start 100, step 10) and BY DEFAULT continue after the loaded ids.
        Assert.Equal(6_100L, await PostgresServer.ScalarAsync<long>(pair.Target,
            "INSERT INTO sales.customers (email, name) VALUES ('new@example.com', 'New') RETURNING id"));
        Assert.Equal(1_501L, await PostgresServer.ScalarAsync<long>(pair.Target,
            "INSERT INTO sales.orders (customer_id, placed_at) VALUES (100, now()) RETURNING id"));
    }

    [Fact]
    public async Task PrepareAndFinish_RunTwice_Idempotent()
    {
        var pair = await MigratedPair.CreateEmptyAsync(server, source, "schema");
        var builder = MigratedPair.Builder;

        await builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);
        await builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);
        await TableData.CopyAsync(pair.Source, pair.Target, pair.Plan);
        await builder.FinishAsync(pair.Target, pair.Catalog, pair.Plan);
        await builder.FinishAsync(pair.Target, pair.Catalog, pair.Plan);
        await builder.PrepareAsync(pair.Target, pair.Catalog, pair.Plan);
        await builder.FinishAsync(pair.Target, pair.Catalog, pair.Plan);

        Assert.Equal(CatalogSnapshot.Of(await ReadAsync(pair.Source)), CatalogSnapshot.Of(await ReadAsync(pair.Target)));
        Assert.Equal(201L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT nextval('sales.products_id_seq')"));
    }

    [Fact]
    public async Task FinishAsync_DeferredConstraintViolated_ThrowsNamingTheConstraint()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "schema");
        var deferred = new[]
        {
            TestPlans.Defer(pair.Catalog, "hr.employees", "employees_department_id_fkey"),
            TestPlans.Defer(pair.Catalog, "hr.departments", "departments_head_fk"),
        };
        var plan = TestPlans.For(pair.Catalog, createInTarget: false, deferred);
        const string Exists = "SELECT count(*) FROM pg_constraint WHERE conname IN ('employees_department_id_fkey', 'departments_head_fk')";

        await MigratedPair.Builder.PrepareAsync(pair.Target, pair.Catalog, plan);
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(pair.Target, Exists));
        await PostgresServer.ExecuteAsync(pair.Target,
            "INSERT INTO hr.employees (id, department_id, full_name) VALUES (1000, 999, 'Nobody''s employee')");

        var error = await Assert.ThrowsAsync<ConstraintViolationException>(() => MigratedPair.Builder.FinishAsync(pair.Target, pair.Catalog, plan));

        Assert.Equal(("hr.employees", "employees_department_id_fkey"), (error.Table, error.Constraint));
        Assert.Contains("employees_department_id_fkey", error.Message, StringComparison.Ordinal);
        Assert.Contains("hr.employees", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 row references a missing hr.departments row", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(pair.Target, Exists));

        await PostgresServer.ExecuteAsync(pair.Target, "DELETE FROM hr.employees WHERE id = 1000");
        await MigratedPair.Builder.FinishAsync(pair.Target, pair.Catalog, plan);
        Assert.Equal(2L, await PostgresServer.ScalarAsync<long>(pair.Target, Exists));
        Assert.Equal(CatalogSnapshot.Of(await ReadAsync(pair.Source)), CatalogSnapshot.Of(await ReadAsync(pair.Target)));
    }

    [Fact]
    public async Task PrepareAsync_ExistingEnumLacksLabels_AddsThemInOrder()
    {
        var pair = await MigratedPair.CreateEmptyAsync(server, source, "schema");
        await PostgresServer.ExecuteAsync(pair.Target, "CREATE SCHEMA sales; CREATE TYPE sales.order_status AS ENUM ('paid', 'cancelled')");

        await MigratedPair.Builder.PrepareAsync(pair.Target, pair.Catalog, TestPlans.For(pair.Catalog, createInTarget: false));

        Assert.Equal("new,paid,shipped,cancelled", await PostgresServer.ScalarAsync<string>(pair.Target,
            "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'sales.order_status'::regtype"));
        Assert.Equal(3L, await PostgresServer.ScalarAsync<long>(pair.Target,
            "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'sales' AND t.typtype = 'd'"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(pair.Target,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('sales', 'hr')"));
    }

    [Fact]
    public async Task PrepareAsync_ExtensionUnavailable_FailsNamingIt()
    {
        var pair = await MigratedPair.CreateEmptyAsync(server, source, "schema");
        var catalog = pair.Catalog with { Extensions = [.. pair.Catalog.Extensions, "no_such_extension"] };
        catalog = catalog with { ExtensionDetails = [.. pair.Catalog.ExtensionDetails, new ExtensionInfo("no_such_extension", "public", "1.0")] };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MigratedPair.Builder.PrepareAsync(pair.Target, catalog, pair.Plan));

        Assert.Contains("no_such_extension", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'sales'"));
    }

    [Fact]
    public async Task PrepareAsync_CreatedTableMappedToAnotherName_Refuses()
    {
        var pair = await MigratedPair.CreateEmptyAsync(server, source, "schema");
        var table = pair.Plan.Tables.First();
        var renamed = table with { Mapping = table.Mapping with { Target = new QualifiedName("public", "renamed") } };
        var plan = pair.Plan with { Waves = [new PlanWave(1, [renamed])] };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MigratedPair.Builder.PrepareAsync(pair.Target, pair.Catalog, plan));

        Assert.Contains(table.Table.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrepareAsync_CompositeColumnTypeMissingInTarget_FailsNamingTheTable()
    {
        var database = await server.CreateDatabaseAsync("schema_src");
        await PostgresServer.ExecuteAsync(database, """
            CREATE TYPE public.address AS (street text, city text);
            CREATE TABLE public.people (id int PRIMARY KEY, home public.address);
            """);
        var catalog = await MigratedPair.Reader.ReadAsync(database, CatalogFilter.All, exactCounts: false);
        var target = await server.CreateDatabaseAsync("schema_dst");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => MigratedPair.Builder.PrepareAsync(target, catalog, TestPlans.For(catalog, createInTarget: true)));

        Assert.Contains("public.people", error.Message, StringComparison.Ordinal);
        Assert.Contains("public.address", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records with list members compare the lists by reference; this compares their content.</summary>
    private sealed class DomainComparer : IEqualityComparer<DomainInfo>
    {
        public bool Equals(DomainInfo? x, DomainInfo? y) =>
            x is not null && y is not null
            && (x.Name, x.BaseType, x.NotNull, x.DefaultExpression) == (y.Name, y.BaseType, y.NotNull, y.DefaultExpression)
            && x.Checks.SequenceEqual(y.Checks);

        public int GetHashCode(DomainInfo obj) => obj.Name.GetHashCode();
    }
}
