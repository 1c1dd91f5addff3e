using Migration.Core.Mapping;
using Migration.Postgres.Execution.Mapping;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Mapping;

/// <summary>Orphans, rejected values and duplicates follow the spec's policies; every source row is accounted for.</summary>
[Collection("postgres")]
public sealed class SpecPolicyTests(PostgresServer server) : CopierTestBase
{
    private const string MigratedOrder =
        "EXISTS (SELECT 1 FROM dispatch_order o WHERE o.id = {0} AND EXISTS (SELECT 1 FROM dispatch_customer c WHERE c.id = o.customer_id) " +
        "AND (o.status IS NULL OR o.status <> 'ON HOLD'))";

    [Fact]
    public async Task CopyAsync_OrphansAndRejectedValues_AreSkippedListedAndCountedThroughTheWholeChain()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_orphans", rows: 10_000);
        // The demo spec maps "ON HOLD" onto pending; without that entry the value map rejects those orders.
        demo.Change("dispatch_order", t => t with
        {
            Columns = [.. t.Columns.Select(c => c.Target == "status" ? c with { Values = c.Values!.Where(v => v.Key != "ON HOLD").ToDictionary(v => v.Key, v => v.Value) } : c)],
        });
        await demo.CopyAsync(Copier);

        // Orders: a missing customer is an orphan, an unknown status is rejected; both listed for review.
        var orphanOrders = await demo.SourceAsync("SELECT count(*) FROM dispatch_order o WHERE NOT EXISTS (SELECT 1 FROM dispatch_customer c WHERE c.id = o.customer_id)");
        var onHold = await demo.SourceAsync("SELECT count(*) FROM dispatch_order o WHERE status = 'ON HOLD' AND EXISTS (SELECT 1 FROM dispatch_customer c WHERE c.id = o.customer_id)");
        Assert.True(orphanOrders > 0 && onHold > 0);
        Assert.Equal(orphanOrders, await demo.OutcomeAsync("dispatch_order", "orphan_skipped"));
        Assert.Equal(orphanOrders, await demo.ListedAsync("dispatch_order", "orphan:"));
        Assert.Equal(onHold, await demo.OutcomeAsync("dispatch_order", "rejected"));
        Assert.Equal(onHold, await demo.ListedAsync("dispatch_order", "rejected:"));
        Assert.Equal(1, await demo.TargetAsync(
            $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{demo.MigrationId}' AND row_key = ARRAY['500'] AND column_name = 'customer_id' AND reason LIKE 'orphan: no customer%'"));

        // Order lines of an order that is not migrated (missing, without customer, or rejected) are orphans too.
        var orphanLines = await demo.SourceAsync($"SELECT count(*) FROM dispatch_order_item i WHERE NOT {string.Format(System.Globalization.CultureInfo.InvariantCulture, MigratedOrder, "i.order_id")}");
        Assert.True(orphanLines > await demo.SourceAsync("SELECT count(*) FROM dispatch_order_item i WHERE NOT EXISTS (SELECT 1 FROM dispatch_order o WHERE o.id = i.order_id)"));
        Assert.Equal(orphanLines, await demo.OutcomeAsync("dispatch_order_item", "orphan_skipped"));
        Assert.Equal(orphanLines, await demo.ListedAsync("dispatch_order_item", "orphan:"));

        // Every source row is migrated or kept out by a counted policy.
        foreach (var (source, target) in LegacyDemo.TargetOf)
        {
            var skipped = await demo.TargetAsync(
                $"SELECT coalesce(sum(rows), 0)::bigint FROM migration_control.mapping_outcomes WHERE migration_id = '{demo.MigrationId}' AND table_name = 'public.{source}' AND outcome <> 'orphan_nulled'");
            Assert.Equal(await demo.SourceAsync($"SELECT count(*) FROM {source}"), await demo.TargetAsync($"SELECT count(*) FROM {target}") + skipped);
        }

        await LegacyDemo.AddTargetForeignKeysAsync(demo.Target);
    }

    [Fact]
    public async Task CopyAsync_OrphanWithSetNull_WritesTheRowWithoutItsReference()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_setnull");
        await PostgresServer.ExecuteAsync(demo.Source,
            "ALTER TABLE dispatch_category DROP CONSTRAINT dispatch_category_parent_id_fkey; UPDATE dispatch_category SET parent_id = 9999 WHERE id = 15");
        await demo.CopyAsync(Copier, "dispatch_category");

        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM categories WHERE legacy_id = 15 AND parent_id IS NULL"));
        Assert.Equal(await demo.SourceAsync("SELECT count(*) FROM dispatch_category"), await demo.TargetAsync("SELECT count(*) FROM categories"));
        Assert.Equal(1, await demo.OutcomeAsync("dispatch_category", "orphan_nulled"));
    }

    [Fact]
    public async Task CopyAsync_OrphanWithFail_StopsTheTableNamingTheRow()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_fail");
        await PostgresServer.ExecuteAsync(demo.Source,
            "ALTER TABLE dispatch_product_categories DROP CONSTRAINT dispatch_product_categories_product_id_fkey; UPDATE dispatch_product_categories SET product_id = 7777 WHERE id = 3");
        await demo.CopyAsync(Copier, "dispatch_category", "dispatch_product");

        var error = await Assert.ThrowsAsync<OrphanReferenceException>(() => demo.CopyAsync(Copier, "dispatch_product_categories"));
        Assert.Contains("row 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("product_id = 7777", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await demo.TargetAsync("SELECT count(*) FROM product_categories")); // the failing page wrote nothing
    }

    [Theory]
    [InlineData(DuplicatePolicy.Skip)]
    [InlineData(DuplicatePolicy.KeepFirst)]
    [InlineData(DuplicatePolicy.Update)]
    public async Task CopyAsync_DuplicateNaturalKeys_FollowThePolicy(DuplicatePolicy policy)
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_dup_" + policy);
        demo.Change("dispatch_customer", t => t with { Duplicates = new DuplicateRule(["email"], policy) });
        await demo.CopyAsync(Copier, "dispatch_customer");

        var duplicates = await demo.SourceAsync("SELECT count(*) FROM dispatch_customer WHERE id % 97 = 0");
        var customers = await demo.SourceAsync("SELECT count(*) FROM dispatch_customer");
        Assert.True(duplicates > 0);
        Assert.Equal(customers - duplicates, await demo.TargetAsync("SELECT count(*) FROM customers"));
        var outcome = policy switch { DuplicatePolicy.Skip => "duplicate_skipped", DuplicatePolicy.KeepFirst => "duplicate_dropped", _ => "duplicate_updated" };
        Assert.Equal(duplicates, await demo.OutcomeAsync("dispatch_customer", outcome));
        Assert.Equal(policy == DuplicatePolicy.Skip ? duplicates : 0, await demo.ListedAsync("dispatch_customer", "duplicate:"));

        // Customer 97 repeats customer 96's e-mail: the first row's id stays; its data is the later row's only with "update".
        Assert.Equal(1, await demo.TargetAsync(
            $"SELECT count(*) FROM customers WHERE email = 'user96@example.com' AND legacy_id = 96 AND id = '{LegacyIds.NewId("customer", 96L)}' " +
            $"AND full_name = '{(policy == DuplicatePolicy.Update ? "First97 Last97" : "First96 Last96")}'"));
        // Every policy maps the duplicate's legacy id to the row kept, so its children can point there.
        var mapped97 = await PostgresServer.ScalarAsync<string>(demo.Target, "SELECT new_id FROM migration_control.migration_mappings WHERE entity_type = 'customer' AND legacy_id = '97'");
        Assert.Equal(LegacyIds.NewId("customer", 96L).ToString(), mapped97);
    }

    [Theory]
    [InlineData(DuplicatePolicy.Skip)]
    [InlineData(DuplicatePolicy.KeepFirst)]
    public async Task CopyAsync_ChildrenOfDuplicateMergedAway_PointAtTheRowKept(DuplicatePolicy policy)
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_dup_children_" + policy);
        demo.Change("dispatch_customer", t => t with { Duplicates = new DuplicateRule(["email"], policy) });
        // Customer 97 repeats customer 96's e-mail and is merged away: give it orders.
        await PostgresServer.ExecuteAsync(demo.Source, "UPDATE dispatch_order SET customer_id = 97 WHERE id IN (SELECT id FROM dispatch_order WHERE id % 500 <> 0 ORDER BY id LIMIT 3)");
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_order");

        var kept = LegacyIds.NewId("customer", 96L);
        var ofBoth = await demo.SourceAsync("SELECT count(*) FROM dispatch_order WHERE customer_id IN (96, 97)");
        Assert.True(ofBoth >= 3);
        Assert.Equal(ofBoth, await demo.TargetAsync($"SELECT count(*) FROM orders WHERE customer_id = '{kept}'"));
        Assert.Equal(0, await demo.TargetAsync($"SELECT count(*) FROM orders WHERE customer_id = '{LegacyIds.NewId("customer", 97L)}'"));
        Assert.Equal(0, await demo.TargetAsync("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)"));

        var validator = new Migration.Postgres.Validation.MappedTableValidator(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance) { SampleSize = 5_000 };
        foreach (var table in new[] { "dispatch_customer", "dispatch_order" })
        {
            var result = await validator.ValidateAsync(demo.Source, demo.Target, demo.Request(table).Table, demo.Spec, CopyTestKit.ControlSchema, demo.MigrationId);
            Assert.True(result.Passed, table + ": " + string.Join("; ", result.Issues));
        }
    }

    [Fact]
    public async Task CopyAsync_DuplicateWithFail_StopsOnTheTargetsUniqueKey()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_dup_fail");
        demo.Change("dispatch_customer", t => t with { Duplicates = new DuplicateRule(["email"], DuplicatePolicy.Fail) });
        var error = await Assert.ThrowsAsync<PostgresException>(() => demo.CopyAsync(Copier, "dispatch_customer"));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }
}
