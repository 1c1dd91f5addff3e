using Migration.Core.Mapping;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Mapping;

/// <summary>The demo pair copied table by table through its mapping spec: ids, references, transforms, mappings.</summary>
[Collection("postgres")]
public sealed class SpecCopyTests(PostgresServer server) : CopierTestBase
{
    [Fact]
    public async Task CopyAsync_DemoPair_RewritesEveryKeyAndReferenceToDeterministicUuids()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_ids");
        await demo.CopyAsync(Copier);

        // The target's foreign keys, added after the load, hold for every row: every rewritten reference points at a row.
        await LegacyDemo.AddTargetForeignKeysAsync(demo.Target);

        // Each row's id is the name-based UUID of its legacy id, and each child's FK the parent's new id.
        foreach (var (table, entity) in new[] { ("customers", "customer"), ("orders", "order"), ("order_lines", "order_line"), ("categories", "category") })
        {
            await foreach (var (legacy, id) in PairsAsync(demo.Target, $"SELECT legacy_id::text, id FROM {table}"))
            {
                Assert.Equal(LegacyIds.NewId(entity, legacy), id);
            }
        }

        var sourceOrders = await ReadAsync(demo.Source, "SELECT id::text, customer_id::text FROM dispatch_order");
        var checkedOrders = 0;
        await foreach (var (legacy, customer) in PairsAsync(demo.Target, "SELECT legacy_id::text, customer_id FROM orders"))
        {
            Assert.Equal(LegacyIds.NewId("customer", sourceOrders[legacy]), customer);
            checkedOrders++;
        }

        Assert.True(checkedOrders > 500);

        // A self-reference (to a later row too) and a polymorphic reference through a merged lookup table.
        var parents = await ReadAsync(demo.Source, "SELECT id::text, parent_id::text FROM dispatch_category WHERE parent_id IS NOT NULL");
        await foreach (var (legacy, parent) in PairsAsync(demo.Target, "SELECT legacy_id::text, parent_id FROM categories WHERE parent_id IS NOT NULL"))
        {
            Assert.Equal(LegacyIds.NewId("category", parents[legacy]), parent);
        }

        Assert.Equal(await demo.SourceAsync("SELECT count(*) FROM dispatch_category WHERE parent_id > id"), await demo.TargetAsync(
            "SELECT count(*) FROM categories c JOIN categories p ON p.id = c.parent_id WHERE p.legacy_id > c.legacy_id"));
        var subjects = await ReadAsync(demo.Source,
            "SELECT c.id::text, t.model || '/' || c.object_id FROM dispatch_comment c JOIN django_content_type t ON t.id = c.content_type_id");
        await foreach (var (legacy, subject) in PairsAsync(demo.Target, "SELECT legacy_id::text, subject_id FROM comments"))
        {
            var typeAndId = subjects[legacy].Split('/');
            Assert.Equal(LegacyIds.NewId(typeAndId[0], typeAndId[1]), subject);
        }

        Assert.Equal(0, await demo.TargetAsync(
            "SELECT count(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM customers x WHERE x.id = c.subject_id AND c.subject_type = 'customer') " +
            "AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.id = c.subject_id AND c.subject_type = 'order') " +
            "AND NOT EXISTS (SELECT 1 FROM products x WHERE x.id = c.subject_id AND c.subject_type = 'product')"));
    }

    [Fact]
    public async Task CopyAsync_DemoPair_WritesOneMappingPerMigratedRowInTheRowsBatch()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_mappings");
        await demo.CopyAsync(Copier);

        foreach (var (table, entity) in new[] { ("customers", "customer"), ("products", "product"), ("orders", "order"), ("order_lines", "order_line"), ("payments", "payment"), ("comments", "comment"), ("categories", "category") })
        {
            var rows = await demo.TargetAsync($"SELECT count(*) FROM {table}");
            Assert.True(rows > 0, table);
            // A duplicate merged away (customers: skip by e-mail) is mapped to the row kept, so its children can point there.
            var merged = table == "customers" ? await demo.OutcomeAsync("dispatch_customer", "duplicate_skipped") : 0;
            Assert.Equal(rows + merged, await demo.TargetAsync($"SELECT count(*) FROM migration_control.migration_mappings WHERE entity_type = '{entity}'"));
            Assert.Equal(0, await demo.TargetAsync(
                $"SELECT count(*) FROM {table} t FULL JOIN (SELECT * FROM migration_control.migration_mappings WHERE entity_type = '{entity}' AND legacy_id IN (SELECT legacy_id::text FROM {table})) m " +
                "ON m.legacy_id = t.legacy_id::text AND m.new_id = t.id::text WHERE m.legacy_id IS NULL OR t.id IS NULL"));
            Assert.Equal(0, await demo.TargetAsync(
                $"SELECT count(*) FROM migration_control.migration_mappings m WHERE entity_type = '{entity}' AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id::text = m.new_id)"));
        }

        // migration_batch is the batch id of the page (source table # page number).
        Assert.Equal(0, await demo.TargetAsync(
            "SELECT count(*) FROM migration_control.migration_mappings WHERE entity_type = 'order' AND migration_batch NOT LIKE 'public.dispatch_order#%'"));
        Assert.True(await demo.TargetAsync("SELECT count(DISTINCT migration_batch) FROM migration_control.migration_mappings WHERE entity_type = 'order_line'") > 1);
    }

    [Fact]
    public async Task CopyAsync_DemoPair_AppliesEveryTransform()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_transforms");
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_product", "dispatch_order", "dispatch_order_item", "dispatch_comment");

        // Expression (lower-cased e-mail), concatenation, value map, default for NULL, leftovers into jsonb.
        Assert.Equal(1, await demo.TargetAsync(
            "SELECT count(*) FROM customers WHERE legacy_id = 10 AND email = 'user10@example.com' AND full_name = 'First10 Last10' " +
            "AND status = 'suspended' AND phone = '+1-555-0010' AND metadata = '{\"fax\": \"+1-555-F10\", \"newsletter\": false}'"));
        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM customers WHERE legacy_id = 40 AND status = 'active' AND metadata = '{\"fax\": \"+1-555-F40\", \"newsletter\": true}'"));
        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM customers WHERE legacy_id = 50 AND created_at = '2000-01-01 00:00:00+00'"));
        Assert.Equal(
            await demo.SourceAsync("SELECT count(*) FROM dispatch_customer WHERE status_code = 2 AND id % 97 <> 0"),
            await demo.TargetAsync("SELECT count(*) FROM customers WHERE status = 'suspended'"));

        // Rename, expression to numeric, value map onto boolean, a named leftover.
        Assert.Equal(1, await demo.TargetAsync(
            "SELECT count(*) FROM products WHERE legacy_id = 18 AND name = 'Product 18' AND sku = 'SKU-0000018' AND price = 7.65 AND NOT is_active " +
            "AND metadata = '{\"legacy_barcode\": \"BC142542\"}'"));

        // Free-text status through a value map with a default for NULL; split of an address.
        Assert.Equal(1, await demo.TargetAsync(
            "SELECT count(*) FROM orders WHERE legacy_id = 13 AND status = 'paid' AND street = '14 Main Street' AND city = 'City 13' AND postal_code = '00013' AND total = 0.91"));
        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM orders WHERE legacy_id = 10 AND status = 'pending'"));
        Assert.Equal(
            await demo.SourceAsync("SELECT count(*) FROM dispatch_order WHERE status IS NULL AND id % 500 <> 0"),
            await demo.TargetAsync("SELECT count(*) FROM orders WHERE legacy_id % 250 = 0 AND status = 'pending'"));
        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM order_lines WHERE legacy_id = 100 AND quantity = 1"));

        // Lookup merge: the content type's model names the polymorphic target and lands in an enum column.
        Assert.Equal(1, await demo.TargetAsync("SELECT count(*) FROM comments WHERE legacy_id = 3 AND subject_type = 'customer' AND author = 'Agent 3'"));
    }

    private static async IAsyncEnumerable<(string Legacy, Guid Id)> PairsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return (reader.GetString(0), reader.GetGuid(1));
        }
    }

    private static async Task<Dictionary<string, string>> ReadAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }
}
