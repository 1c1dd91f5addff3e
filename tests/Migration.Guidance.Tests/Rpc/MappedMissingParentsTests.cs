using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Core.Mapping;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;
using MappingSpec = Migration.Core.Mapping.MappingSpec;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// The missing-parents gate for schema-changing migrations, on the legacy demo pair (about 2,000 rows) through the
/// public API: the mapping spec leaves a parent table out (customers, or categories), and instead of a refusal the plan
/// carries the same decision as a same-schema migration — which holds the approval until answered — and each answer
/// does what it says. A reference to an entity that does not exist in the source at all is still a spec error.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class MappedMissingParentsTests(GuidanceFixture fixture)
{
    private const long Rows = 2_000;

    /// <summary>The demo spec without the table producing <paramref name="entity"/> (and, for customers, without comments on customers).</summary>
    private static MappingSpec SpecWithout(string entity)
    {
        var spec = MappingSpecJson.Deserialize(LegacyDemo.MappingJson);
        return spec with
        {
            Tables = [.. spec.Tables.Where(t => t.EntityType != entity).Select(t => t with
            {
                PolymorphicReferences = [.. t.PolymorphicReferences.Select(p => p with { Types = [.. p.Types.Where(x => x.EntityType != entity)] })],
            })],
        };
    }

    private async Task<(string Source, string Target)> PairAsync(string name)
    {
        var source = await fixture.Postgres.CreateDatabaseAsync($"mmp_{name}_src");
        var target = await fixture.Postgres.CreateDatabaseAsync($"mmp_{name}_tgt");
        await Task.WhenAll(LegacyDemo.LoadSourceAsync(source, Rows), LegacyDemo.LoadTargetAsync(target));
        return (source, target);
    }

    private Task<string> CreateAsync(string source, string target, MappingSpec spec) =>
        Runs.CreateAsync(fixture.Migrations, source, target, o =>
        {
            o.MappingJson = MappingSpecJson.Serialize(spec);
            o.ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad;
            o.Batch = new BatchSettings { BaseBatchSize = 200, MinBatchSize = 50, MaxBatchSize = 1000 };
        });

    private static string Issues(Contracts.V1.Migration migration) =>
        $"{migration.Phase} {migration.ErrorMessage} {string.Join("; ", migration.Validation.Tables.SelectMany(t => t.Issues))}";

    [Fact]
    public async Task CreateMigration_SpecLeavesCustomersOut_RaisesGateAndWaitsWithNothingWritten()
    {
        var (source, target) = await PairAsync("gate");
        var id = await CreateAsync(source, target, SpecWithout("customer"));
        try
        {
            var gate = await fixture.MissingParentsDecisionAsync(id);

            Assert.StartsWith("missing-parents-", gate.Decision.Id, StringComparison.Ordinal);
            Assert.Contains("public.dispatch_order", gate.Decision.Question, StringComparison.Ordinal);
            Assert.Contains("customer_id → customer", gate.Decision.Question, StringComparison.Ordinal);
            Assert.Contains(gate.Decision.Options, o => o.Id == "skip");
            Assert.Contains(gate.Decision.Options, o => o.Id == "stop");
            Assert.DoesNotContain(gate.Decision.Options, o => o.Id == "placeholders"); // customers' other columns are required
            // The suggested mapping of dispatch_customer leaves customers.status (codes onto an enum) to a person: parents-first is refused, saying why.
            Assert.DoesNotContain(gate.Decision.Options, o => o.Id == "parents-first");
            Assert.Contains("Migrating the parents first is not offered: the suggested mapping of public.dispatch_customer onto public.customers is incomplete", gate.Decision.Question, StringComparison.Ordinal);
            var distinct = await PostgresServer.ScalarAsync<long>(source, "SELECT count(DISTINCT customer_id) FROM dispatch_order");
            Assert.Contains($"{distinct:N0} customers record(s)", gate.Decision.Question, StringComparison.Ordinal);

            // No answer: the plan cannot be approved nor the migration started, and nothing is written.
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await fixture.Migrations.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "heidi" }));
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains(gate.Decision.Id, refused.Status.Detail, StringComparison.Ordinal);
            await Assert.ThrowsAsync<RpcException>(async () =>
                await fixture.Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "heidi" }));
            Assert.Equal(MigrationPhase.AwaitingApproval, (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);
            Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));

            // The chat takes the answer in the same words as for a same-schema migration.
            var proposal = await new Chat(fixture.Guidance, id, "ivan").AskAsync("skip them");
            Assert.True(proposal.PendingAction?.DecisionId == gate.Decision.Id && proposal.PendingAction.OptionId == "skip", proposal.Text);
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }

    [Fact]
    public async Task CreateMigration_ReferenceToEntityNotInSource_RefusedWithFieldViolation()
    {
        var (source, target) = await PairAsync("typo");
        var spec = SpecWithout("customer");
        var orders = spec.Tables.ToList().FindIndex(t => t.EntityType == "order");
        spec = spec with
        {
            Tables = [.. spec.Tables.Select((t, i) => i != orders ? t : t with { References = [t.References[0] with { EntityType = "custmer" }] })],
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(source, target, spec));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations;
        Assert.Contains(violations, v => v.Field == $"options.mapping.tables[{orders}].references[0].entityType" && v.Description.Contains("custmer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerDecision_Skip_KeepsOrdersOfMissingCustomersOutListedAndReconciled()
    {
        var (source, target) = await PairAsync("skip");
        // Customers 1..30 arrived earlier (another migration): in the target with their mappings. Their orders need no decision.
        await PostgresServer.ExecuteAsync(target, """
            CREATE SCHEMA migration_control;
            CREATE TABLE migration_control.migration_mappings (entity_type text NOT NULL, legacy_id text NOT NULL, new_id text NOT NULL,
                migrated_at timestamptz NOT NULL DEFAULT now(), migration_batch text, PRIMARY KEY (entity_type, legacy_id));
            """);
        for (var i = 1; i <= 30; i++)
        {
            var newId = LegacyIds.NewId("customer", i);
            await PostgresServer.ExecuteAsync(target,
                $"INSERT INTO customers (id, legacy_id, email, full_name, status, created_at) VALUES ('{newId}', {i}, 'c{i}@example.com', 'Customer {i}', 'active', now());" +
                $"INSERT INTO migration_control.migration_mappings (entity_type, legacy_id, new_id, migration_batch) VALUES ('customer', '{i}', '{newId}', 'earlier');");
        }

        var id = await CreateAsync(source, target, SpecWithout("customer"));
        var gate = await fixture.MissingParentsDecisionAsync(id);
        var missingRows = await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_order WHERE customer_id > 30");
        Assert.Contains($"{missingRows:N0} row(s) of public.dispatch_order", gate.Decision.Question, StringComparison.Ordinal);
        Assert.DoesNotContain(gate.Decision.Options, o => o.Id == "parents-first"); // the target's customers already hold rows

        await fixture.AnswerAsync(id, gate.Decision.Id, "skip");
        var migration = await fixture.ApproveAndRunAsync(id);

        Assert.True(migration.Phase == MigrationPhase.Completed && migration.Validation.Passed, Issues(migration));
        // Orders of customers 1..30 arrived pointing at them; the others were kept out and listed, each with its reason.
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)"));
        var arrived = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders");
        Assert.True(arrived > 0);
        Assert.Equal(arrived, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.legacy_id <= 30"));
        var listed = await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{id}' AND reason LIKE 'orphan: no customer % in the new database%'");
        var rejected = await PostgresServer.ScalarAsync<long>(target,
            $"SELECT coalesce(sum(rows), 0)::bigint FROM migration_control.mapping_outcomes WHERE migration_id = '{id}' AND table_name = 'public.dispatch_order' AND outcome = 'rejected'");
        Assert.Equal(await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_order"), arrived + listed + rejected);
        Assert.True(listed > 0 && listed <= missingRows);
        // Items of orders kept out are kept out too (followed through the spec), and listed.
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id)"));
        var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Id == gate.Decision.Id && d.Answer == "skip" && d.DecidedBy == "heidi");
    }

    [Fact]
    public async Task AnswerDecision_Placeholders_EveryOrderArrivesPointingAtItsPlaceholderAndRollbackRemovesThem()
    {
        var (source, target) = await PairAsync("placeholders");
        await PostgresServer.ExecuteAsync(target,
            "ALTER TABLE customers ALTER email DROP NOT NULL, ALTER full_name DROP NOT NULL, ALTER status DROP NOT NULL, ALTER created_at DROP NOT NULL");
        // Only orders up to 40 are migrated (the spec's filter): only their customers are missing.
        var spec = SpecWithout("customer");
        spec = spec with { Tables = [.. spec.Tables.Select(t => t.EntityType == "order" ? t with { Filter = "id <= 40" } : t)] };
        var id = await CreateAsync(source, target, spec);
        var gate = await fixture.MissingParentsDecisionAsync(id);
        Assert.Contains(gate.Decision.Options, o => o.Id == "placeholders");
        Assert.Contains("40 row(s) of public.dispatch_order", gate.Decision.Question, StringComparison.Ordinal);

        await fixture.AnswerAsync(id, gate.Decision.Id, "placeholders");
        var migration = await fixture.ApproveAndRunAsync(id);

        Assert.True(migration.Phase == MigrationPhase.Completed && migration.Validation.Passed, Issues(migration));
        var customers = await PostgresServer.ScalarAsync<long>(source, "SELECT count(DISTINCT customer_id) FROM dispatch_order WHERE id <= 40");
        Assert.True(customers < await PostgresServer.ScalarAsync<long>(source, "SELECT count(DISTINCT customer_id) FROM dispatch_order"));
        Assert.Equal(customers, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM customers WHERE email IS NULL"));
        // The placeholder's id is the one the children computed: no order was kept out for its customer.
        var first = await PostgresServer.ScalarAsync<int>(source, "SELECT customer_id FROM dispatch_order WHERE id = 1");
        Assert.Equal(LegacyIds.NewId("customer", first), await PostgresServer.ScalarAsync<Guid>(target, $"SELECT id FROM customers WHERE legacy_id = {first}"));
        Assert.Equal(LegacyIds.NewId("customer", first), await PostgresServer.ScalarAsync<Guid>(target, "SELECT customer_id FROM orders WHERE legacy_id = 1"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{id}' AND table_name = 'public.dispatch_order' AND reason LIKE 'orphan:%'"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)"));
        Assert.Equal(customers, await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM migration_control.placeholder_rows WHERE migration_id = '{id}' AND parent_table = 'public.customers'"));
        Assert.Equal(customers, await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM migration_control.migration_mappings m JOIN customers c ON c.id = m.new_id::uuid AND c.legacy_id::text = m.legacy_id WHERE m.entity_type = 'customer'"));

        var rollback = await new RecoveryService.RecoveryServiceClient(fixture.Server.Channel)
            .RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "test" });
        Assert.True(rollback.Verified, rollback.Summary);
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM customers"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.migration_mappings WHERE entity_type = 'customer'"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM migration_control.placeholder_rows WHERE migration_id = '{id}'"));
    }

    [Fact]
    public async Task AnswerDecision_ParentsFirst_AddsCategoriesToTheSpecAheadOfTheirChildrenAndEveryLinkArrives()
    {
        var (source, target) = await PairAsync("first");
        var id = await CreateAsync(source, target, SpecWithout("category"));
        var gate = await fixture.MissingParentsDecisionAsync(id);
        Assert.Contains("category_id → category", gate.Decision.Question, StringComparison.Ordinal);
        Assert.Equal("parents-first", Assert.Single(gate.Decision.Options, o => o.Recommended).Id);

        await fixture.AnswerAsync(id, gate.Decision.Id, "parents-first");
        var plan = (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
        int WaveOf(string table) => plan.Waves.ToList().FindIndex(w => w.Tables.Any(t => t.Table == table));
        Assert.True(WaveOf("public.dispatch_category") >= 0 && WaveOf("public.dispatch_category") < WaveOf("public.dispatch_product_categories"));
        var spec = (await new MappingService.MappingServiceClient(fixture.Server.Channel).GetMappingAsync(new GetMappingRequest { MigrationId = id })).Spec;
        Assert.Contains(spec.Tables, t => t.Source.EndsWith("dispatch_category", StringComparison.Ordinal) && t.Target.EndsWith("categories", StringComparison.Ordinal));
        var migration = await fixture.ApproveAndRunAsync(id);

        Assert.True(migration.Phase == MigrationPhase.Completed && migration.Validation.Passed, Issues(migration));
        Assert.Equal(await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_category"),
            await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM categories"));
        Assert.Equal(LegacyIds.NewId("category", 3L), await PostgresServer.ScalarAsync<Guid>(target, "SELECT id FROM categories WHERE legacy_id = 3"));
        // Every link whose category exists in the source arrived (the others are the demo's deliberate orphans).
        Assert.Equal(
            await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM dispatch_product_categories l WHERE EXISTS (SELECT 1 FROM dispatch_category c WHERE c.id = l.category_id)"),
            await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM product_categories"));
        var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Answer.Contains("public.dispatch_category added to the mapping specification", StringComparison.Ordinal));
    }
}
