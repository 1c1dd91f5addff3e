using Microsoft.Extensions.Logging.Abstractions;
using Migration.Postgres.Tests.Execution;
using Migration.Postgres.Validation;
using Migration.Testing;

namespace Migration.Postgres.Tests.Mapping;

/// <summary>Validation of spec-mapped tables: reconciliation, referential integrity, mapping completeness, deep compare.</summary>
[Collection("postgres")]
public sealed class MappedValidationTests(PostgresServer server) : CopierTestBase
{
    private readonly MappedTableValidator _validator = new(NullLogger.Instance) { SampleSize = 5_000 };

    [Fact]
    public async Task ValidateAsync_MigratedDemoPair_PassesEveryTable()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_valid");
        await demo.CopyAsync(Copier);
        await LegacyDemo.AddTargetForeignKeysAsync(demo.Target);

        foreach (var table in LegacyDemo.SourceTables)
        {
            var result = await _validator.ValidateAsync(demo.Source, demo.Target, demo.Request(table).Table, demo.Spec, CopyTestKit.ControlSchema, demo.MigrationId);
            Assert.True(result.Passed, $"{table}: {string.Join("; ", result.Issues)}");
            Assert.Contains("sampled rows compared", result.TargetChecksum, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ValidateAsync_WholeSpec_JudgesOrphansKeptOutByOtherTablesPolicies()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_valid_part", rows: 10_000);
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_product", "dispatch_order", "dispatch_comment");
        Assert.True(await demo.OutcomeAsync("dispatch_comment", "orphan_skipped") > 0);

        // The comments' references are judged through the other tables' parts of the spec: an orphan kept out is known
        // to be kept out (not missing), so the deep compare judges every sampled row, kept out or not.
        var result = await _validator.ValidateAsync(demo.Source, demo.Target, demo.Request("dispatch_comment").Table, demo.Spec, CopyTestKit.ControlSchema, demo.MigrationId);
        Assert.True(result.Passed, string.Join("; ", result.Issues));
        Assert.DoesNotContain("mapped: 0 sampled", result.TargetChecksum, StringComparison.Ordinal);

        // Only the table's own part cannot judge its references: refused with the entity type it lacks, not guessed.
        var part = demo.Spec with { Tables = [.. demo.Spec.Tables.Where(t => t.Source.Name == "dispatch_comment")] };
        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            _validator.ValidateAsync(demo.Source, demo.Target, demo.Request("dispatch_comment").Table, part, CopyTestKit.ControlSchema, demo.MigrationId));
        Assert.Contains("entity type", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_TamperedTarget_ReportsEachKindOfDamage()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_invalid");
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_product", "dispatch_order", "dispatch_order_item");
        await PostgresServer.ExecuteAsync(demo.Target, """
            UPDATE orders SET total = total + 1 WHERE legacy_id = 13;
            DELETE FROM order_lines WHERE legacy_id = 7;
            UPDATE order_lines SET order_id = gen_random_uuid() WHERE legacy_id = 8;
            """);

        var orders = await _validator.ValidateAsync(demo.Source, demo.Target, demo.Request("dispatch_order").Table, demo.Spec, CopyTestKit.ControlSchema, demo.MigrationId);
        Assert.False(orders.Passed);
        Assert.Contains(orders.Issues, i => i.Contains("source row 13 differs from its target row in total", StringComparison.Ordinal));

        var lines = await _validator.ValidateAsync(demo.Source, demo.Target, demo.Request("dispatch_order_item").Table, demo.Spec, CopyTestKit.ControlSchema, demo.MigrationId);
        Assert.Contains(lines.Issues, i => i.StartsWith("rows do not reconcile", StringComparison.Ordinal));
        Assert.Contains(lines.Issues, i => i.Contains("migration_mappings rows of order_line point at no row", StringComparison.Ordinal));
        Assert.Contains(lines.Issues, i => i.Contains("reference a missing orders", StringComparison.Ordinal));
        Assert.Contains(lines.Issues, i => i.Contains("source row 7 is missing from the target", StringComparison.Ordinal));
        Assert.Equal(1, lines.OrphanRows);
    }
}
