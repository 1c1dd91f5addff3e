using Migration.Contracts.V1;
using Migration.Core.Mapping;
using Migration.Server.Mapping;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Mapping;

/// <summary>The legacy demo pair migrated through the public API with its mapping spec: UUID keys, rewritten references, policies, validation.</summary>
[Collection(ServerCollection.Name)]
public sealed class LegacyDemoEndToEndTests(PostgresServer postgres, ServerFixture fixture)
{
    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task Run_LegacyDemoWithSpec_CompletesValidatedWithRemappedKeysAndPoliciesApplied()
    {
        var source = await postgres.CreateDatabaseAsync("e2e_legacy_src");
        var target = await postgres.CreateDatabaseAsync("e2e_legacy_tgt");
        await Task.WhenAll(LegacyDemo.LoadSourceAsync(source, 3_000), LegacyDemo.LoadTargetAsync(target));
        var spec = MappingSpecJson.Deserialize(LegacyDemo.MappingJson);

        var request = MigrationRun.Request(source, target, o =>
        {
            o.Mapping = spec.ToProto();
            o.ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad;
            o.Batch = new BatchSettings { BaseBatchSize = 200, MinBatchSize = 50, MaxBatchSize = 1000 };
        });
        var (migration, events) = await MigrationRun.RunAsync(Client, request);

        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        Assert.Equal(LegacyDemo.SourceTables.Count, migration.Tables.Count);
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.ValidationResult && e.ValidationResult.Passed);

        // New ids computed from legacy ids; the child's FK is its parent's new id; the FKs are in force again.
        Assert.Equal(LegacyIds.NewId("customer", 52L), await PostgresServer.ScalarAsync<Guid>(target, "SELECT id FROM customers WHERE legacy_id = 52"));
        Assert.Equal(LegacyIds.NewId("order", 5L), await PostgresServer.ScalarAsync<Guid>(target, "SELECT order_id FROM order_lines WHERE legacy_id = 5"));
        var orphanInsert = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => PostgresServer.ExecuteAsync(target,
            "INSERT INTO orders (id, legacy_id, customer_id, status, ordered_at, total) VALUES (gen_random_uuid(), -1, gen_random_uuid(), 'paid', now(), 0)"));
        Assert.Equal("23503", orphanInsert.SqlState);

        // Every migrated row has its mapping, and each duplicate merged away one to the row kept (its children point
        // there); orphans and duplicates were kept out and listed.
        var migrated = await PostgresServer.ScalarAsync<long>(target,
            "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM products) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_lines) " +
            "+ (SELECT count(*) FROM payments) + (SELECT count(*) FROM comments) + (SELECT count(*) FROM categories)");
        var merged = await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_customer WHERE id % 97 = 0");
        Assert.Equal(migrated + merged, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.migration_mappings"));
        Assert.True(await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.quarantine WHERE reason LIKE 'orphan:%'") > 0);
        Assert.Equal(
            await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_customer WHERE id % 97 = 0"),
            await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.quarantine WHERE reason LIKE 'duplicate:%'"));
    }
}
