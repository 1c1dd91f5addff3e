using Microsoft.Extensions.Logging.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Migration.Postgres.Tests.Schema;
using Migration.Postgres.Validation;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Validation;

[Collection("postgres")]
public sealed class PostgresMigrationValidatorTests(PostgresServer server, RichSource source) : IClassFixture<RichSource>
{
    private readonly PostgresMigrationValidator _validator = new(NullLogger<PostgresMigrationValidator>.Instance);

    private static TablePlan PlanOf(MigratedPair pair, string table) =>
        pair.Plan.Tables.Single(t => t.Table == QualifiedName.Parse(table));

    private Task<TableValidation> ValidateAsync(MigratedPair pair, string table) =>
        _validator.ValidateTableAsync(pair.Source, pair.Target, PlanOf(pair, table), pair.Catalog);

    [Fact]
    public async Task ValidateTableAsync_IdenticalCopy_EveryTablePasses()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "valid");
        // Session defaults that change how values print must not matter: the validator fixes them on both sides.
        var database = new NpgsqlConnectionStringBuilder(pair.Target).Database;
        await PostgresServer.ExecuteAsync(pair.Target, $"""
            ALTER DATABASE "{database}" SET TimeZone = 'Pacific/Chatham';
            ALTER DATABASE "{database}" SET DateStyle = 'SQL, DMY';
            ALTER DATABASE "{database}" SET IntervalStyle = 'sql_standard';
            ALTER DATABASE "{database}" SET extra_float_digits = 0;
            ALTER DATABASE "{database}" SET bytea_output = 'escape';
            """);
        await using (var connection = new NpgsqlConnection(pair.Target))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        foreach (var table in pair.Plan.Tables)
        {
            var result = await _validator.ValidateTableAsync(pair.Source, pair.Target, table, pair.Catalog);

            Assert.True(result.Passed, $"{table.Table}: {string.Join("; ", result.Issues)}");
            var rows = RichSchema.RowCounts[table.Table.ToString()];
            Assert.Equal((table.Table.ToString(), rows, rows, 0L), (result.Table, result.SourceRows, result.TargetRows, result.OrphanRows));
            Assert.Equal(result.SourceChecksum, result.TargetChecksum);
            Assert.True(rows == 0 ? result.SourceChecksum == "0" : result.SourceChecksum != "0", result.SourceChecksum);
        }
    }

    [Fact]
    public async Task ValidateTableAsync_TamperedRow_ReportsChecksumDifference()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "valid");
        await PostgresServer.ExecuteAsync(pair.Target, """
            UPDATE sales.customers SET prefs = jsonb_set(prefs, '{n}', '0') WHERE id = 160;
            UPDATE sales.products SET weight = 0 WHERE id = 2 AND weight::text = '-0';
            """);

        var customers = await ValidateAsync(pair, "sales.customers");
        var products = await ValidateAsync(pair, "sales.products");

        Assert.Equal(["content checksum differs"], customers.Issues);
        Assert.Equal((600L, 600L), (customers.SourceRows, customers.TargetRows));
        Assert.NotEqual(customers.SourceChecksum, customers.TargetChecksum);
        Assert.Equal(["content checksum differs"], products.Issues);
        Assert.True((await ValidateAsync(pair, "sales.orders")).Passed);
    }

    [Fact]
    public async Task ValidateTableAsync_MissingAndDuplicatedRows_ReportsRowCounts()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "valid");
        await PostgresServer.ExecuteAsync(pair.Target, """
            DELETE FROM sales.order_items WHERE order_id = 1 AND line_no = 1;
            INSERT INTO public."Audit Log" SELECT * FROM public."Audit Log" LIMIT 1;
            """);

        var items = await ValidateAsync(pair, "sales.order_items");
        var audit = await ValidateAsync(pair, "public.Audit Log");

        Assert.Equal(["row count differs: source 3,000, target 2,999", "content checksum differs"], items.Issues);
        Assert.Equal(["row count differs: source 418, target 419", "content checksum differs"], audit.Issues);
    }

    [Fact]
    public async Task ValidateTableAsync_ParentDeleted_ReportsOrphans()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "valid");
        // A load with triggers off (replica role) is how orphans get past enforced foreign keys; orders then also
        // loses its foreign key on the target, so only the source's definition can find them.
        await PostgresServer.ExecuteAsync(pair.Target, """
            SET session_replication_role = replica;
            DELETE FROM sales.customers WHERE id = 110;
            ALTER TABLE sales.orders DROP CONSTRAINT orders_customer_id_fkey;
            """);
        var orphanOrders = await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT count(*) FROM sales.orders WHERE customer_id = 110");
        var orphanEvents = await PostgresServer.ScalarAsync<long>(pair.Target, "SELECT count(*) FROM sales.events WHERE customer_id = 110");
        Assert.True(orphanOrders > 0 && orphanEvents > 1, $"{orphanOrders} orders, {orphanEvents} events");

        var orders = await ValidateAsync(pair, "sales.orders");
        var events = await ValidateAsync(pair, "sales.events");
        var customers = await ValidateAsync(pair, "sales.customers");

        Assert.Equal([$"{orphanOrders} {(orphanOrders == 1 ? "row references a" : "rows reference")} missing customers (orders_customer_id_fkey)"], orders.Issues);
        Assert.Equal(orphanOrders, orders.OrphanRows);
        Assert.Equal([$"{orphanEvents} rows reference missing customers (events_customer_id_fkey)"], events.Issues);
        Assert.Contains("row count differs: source 600, target 599", customers.Issues);
    }

    [Fact]
    public async Task ValidateTableAsync_RenamedTargetColumn_ComparesThroughTheMapping()
    {
        var pair = await MigratedPair.CreateAsync(server, source, "valid");
        await PostgresServer.ExecuteAsync(pair.Target, """ALTER TABLE public.countries RENAME COLUMN "Local Name" TO local_name""");
        var plan = PlanOf(pair, "public.countries");
        var mapped = plan with
        {
            CreateInTarget = false,
            Mapping = plan.Mapping with
            {
                Columns = plan.Mapping.Columns.Select(c => c.SourceColumn == "Local Name" ? c with { TargetColumn = "local_name" } : c).ToList(),
            },
        };

        var renamed = await _validator.ValidateTableAsync(pair.Source, pair.Target, mapped, pair.Catalog);
        await PostgresServer.ExecuteAsync(pair.Target, "UPDATE public.countries SET local_name = 'Nippon' WHERE code = 'JP'");
        var tampered = await _validator.ValidateTableAsync(pair.Source, pair.Target, mapped, pair.Catalog);

        Assert.True(renamed.Passed, string.Join("; ", renamed.Issues));
        Assert.Equal(["content checksum differs"], tampered.Issues);
    }
}
