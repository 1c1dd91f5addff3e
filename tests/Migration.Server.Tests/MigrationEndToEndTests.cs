using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests;

/// <summary>Whole migrations through a real gRPC channel against real PostgreSQL databases.</summary>
[Collection(ServerCollection.Name)]
public sealed class MigrationEndToEndTests(PostgresServer postgres, ServerFixture fixture)
{
    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task Run_RichSchema_CompletesWithMatchingChecksumsOnBothPaths()
    {
        var source = await postgres.CreateDatabaseAsync("e2e_rich_src");
        var target = await postgres.CreateDatabaseAsync("e2e_rich_tgt");
        await PostgresServer.ExecuteAsync(source, await File.ReadAllTextAsync(TestData.RichSchemaPath));

        var request = MigrationRun.Request(source, target, o =>
        {
            o.ForceMappedTables.Add("hr.employees");
            o.ForceMappedTables.Add("sales.customers");
            o.Batch = new BatchSettings { BaseBatchSize = 500, MinBatchSize = 100, MaxBatchSize = 2000 };
        });
        var (migration, events) = await MigrationRun.RunAsync(Client, request);

        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        Assert.All(migration.Validation.Tables, t => Assert.Equal(t.SourceChecksum, t.TargetChecksum));
        Assert.Contains(migration.Tables, t => t.Table == "hr.employees" && t.WritePath == WritePath.Mapped);
        Assert.Contains(migration.Tables, t => t.Table == "sales.orders" && t.WritePath == WritePath.PassThrough);
        Assert.All(migration.Tables, t => Assert.Equal(TableStatus.Completed, t.Status));
        MigrationRun.AssertContiguous(events);
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.BatchCompleted && e.BatchCompleted.Validated);
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.ValidationResult && e.ValidationResult.Passed);
        Assert.Equal(MigrationPhase.Completed, events[^1].PhaseChanged.To);

        // The target is a working database afterwards: sequences continue past the copied ids, FKs are in force.
        var nextOrder = await PostgresServer.ScalarAsync<long>(target,
            "INSERT INTO sales.orders (customer_id, placed_at) SELECT min(id), now() FROM sales.customers RETURNING id");
        Assert.True(nextOrder > await PostgresServer.ScalarAsync<long>(source, "SELECT max(id) FROM sales.orders"));
        var orphanInsert = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            PostgresServer.ExecuteAsync(target, "INSERT INTO sales.orders (customer_id, placed_at) VALUES (-1, now())"));
        Assert.Equal("23503", orphanInsert.SqlState);
    }

    [Fact]
    public async Task Plan_CycleAndSelfReference_AreBrokenExplicitlyAndExplained()
    {
        var source = await postgres.CreateDatabaseAsync("e2e_plan_src");
        var target = await postgres.CreateDatabaseAsync("e2e_plan_tgt");
        await PostgresServer.ExecuteAsync(source, await File.ReadAllTextAsync(TestData.RichSchemaPath));

        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));
        var plan = created.Plan;

        Assert.Contains(plan.CycleBreaks, c => c.Tables.Contains("hr.departments") && c.Tables.Contains("hr.employees"));
        Assert.Contains(plan.CycleBreaks, c => c.Constraint.StartsWith("hr.employees.", StringComparison.Ordinal) && c.Tables.Count == 1);
        var waves = plan.Waves.SelectMany(w => w.Tables.Select(t => (w.Number, t.Table))).ToDictionary(x => x.Table, x => x.Number);
        Assert.True(waves["sales.customers"] < waves["sales.orders"]);
        Assert.True(waves["sales.orders"] < waves["sales.order_items"]);
        Assert.Contains(plan.Waves.SelectMany(w => w.Tables), t => t.Table == "public.Audit Log" && t.Paging.Contains("ctid", StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(plan.Summary));

        await Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = created.Migration.Id, Reason = "plan inspected" });
    }

    [Fact]
    public async Task Run_ExistingTargetWithForeignKeys_AsksAndRecreatesThemAfterTheLoad()
    {
        var source = await postgres.CreateDatabaseAsync("e2e_fk_src");
        var target = await postgres.CreateDatabaseAsync("e2e_fk_tgt");
        const string schema = """
            CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), note text);
            """;
        await PostgresServer.ExecuteAsync(source, schema + """
            INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 300) g;
            INSERT INTO child SELECT g, 1 + g % 300, 'c' || g FROM generate_series(1, 3000) g;
            """);
        await PostgresServer.ExecuteAsync(target, schema);

        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));
        var decision = Assert.Single(created.Plan.Decisions);
        Assert.Equal(2, decision.Options.Count);
        Assert.Contains(decision.Options, o => o.Recommended);
        var id = created.Migration.Id;
        await Client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "owner", ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad });
        await Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id });
        await MigrationRun.WatchToEndAsync(Client, id, 0, TimeSpan.FromMinutes(2));

        var migration = (await Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.True(migration.Phase == MigrationPhase.Completed, migration.ErrorMessage);
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM pg_constraint WHERE conrelid = 'child'::regclass AND contype = 'f' AND convalidated"));
        var plan = (await Client.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
        Assert.Equal("owner", Assert.Single(plan.Decisions).AnsweredBy);
    }

    [Fact]
    public async Task Watch_ReattachFromCursor_NeitherMissesNorRepeatsEvents()
    {
        var source = await postgres.CreateDatabaseAsync("e2e_watch_src");
        var target = await postgres.CreateDatabaseAsync("e2e_watch_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE readings (id bigint PRIMARY KEY, value double precision, at timestamptz NOT NULL);
            INSERT INTO readings SELECT g, g * 0.5, timestamptz '2025-01-01' + g * interval '1 minute' FROM generate_series(1, 20000) g;
            """);

        var (migration, all) = await MigrationRun.RunAsync(Client, MigrationRun.Request(source, target, o =>
            o.Batch = new BatchSettings { BaseBatchSize = 1000, MinBatchSize = 1000, MaxBatchSize = 1000 }));
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.True(all.Count > 20);

        // A client that saw the first 7 events re-attaches after a disconnect.
        var rest = await MigrationRun.WatchToEndAsync(Client, migration.Id, 7, TimeSpan.FromSeconds(30));
        Assert.Equal(all.Skip(7).Select(e => e.Sequence), rest.Select(e => e.Sequence));
        MigrationRun.AssertContiguous(rest, 8);
        Assert.Equal(migration.LastEventSequence, rest[^1].Sequence);
    }
}
