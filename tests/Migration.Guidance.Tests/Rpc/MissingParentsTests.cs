using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// The missing-parents gate on real migrations: orders are selected, customers (their parent) are left out, and the
/// target lacks some or all of the customers they point to. The gate is raised before anything is written, holds the
/// plan approval, and each answer — by RPC or in words — does what it says.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class MissingParentsTests(GuidanceFixture fixture)
{
    private const string Schema = """
        CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), amount integer NOT NULL);
        """;

    private const string Rows = """
        INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
        INSERT INTO orders SELECT g, 1 + (g - 1) % 20, g * 10 FROM generate_series(1, 100) g;
        """;

    /// <summary>Source with 20 customers and 100 orders; target with the same tables, holding <paramref name="targetCustomers"/> customers.</summary>
    private async Task<(string Source, string Target)> PairAsync(string name, int targetCustomers)
    {
        var source = await fixture.Postgres.CreateDatabaseAsync($"mp_{name}_src");
        await PostgresServer.ExecuteAsync(source, Schema + Rows);
        var target = await fixture.Postgres.CreateDatabaseAsync($"mp_{name}_tgt");
        await PostgresServer.ExecuteAsync(target, Schema + $"INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, {targetCustomers}) g;");
        return (source, target);
    }

    private Task<string> CreateAsync(string source, string target) =>
        Runs.CreateAsync(fixture.Migrations, source, target, o => o.ExcludeTables.Add("customers"));

    [Fact]
    public async Task CreateMigration_ParentLeftOutAndNotInTarget_RaisesGateAndHoldsApproval()
    {
        var (source, target) = await PairAsync("gate", 0);
        var id = await CreateAsync(source, target);
        try
        {
            var gate = await fixture.MissingParentsDecisionAsync(id);

            Assert.Equal(["parents-first", "skip", "stop"], gate.Decision.Options.Select(o => o.Id));
            Assert.True(gate.Decision.Options[0].Recommended);
            Assert.Contains("100 row(s) of public.orders", gate.Decision.Question, StringComparison.Ordinal);
            Assert.Contains("20 customers record(s)", gate.Decision.Question, StringComparison.Ordinal);
            Assert.Contains("orders_customer_id_fkey", gate.Decision.Question, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(gate.Decision.RiskAssessment));
            Assert.False(string.IsNullOrEmpty(gate.Decision.Recommendation));
            var refused = await Assert.ThrowsAsync<RpcException>(async () =>
                await fixture.Migrations.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "heidi" }));
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Contains("missing-parents", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }

    [Fact]
    public async Task AnswerDecision_ParentsFirst_AddsParentAheadOfChildAndEveryRowArrives()
    {
        var (source, target) = await PairAsync("first", 0);
        var id = await CreateAsync(source, target);
        var gate = await fixture.MissingParentsDecisionAsync(id);

        await fixture.AnswerAsync(id, gate.Decision.Id, "parents-first");
        var plan = (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
        var migration = await fixture.ApproveAndRunAsync(id);

        int WaveOf(string table) => plan.Waves.ToList().FindIndex(w => w.Tables.Any(t => t.Table == table));
        Assert.True(WaveOf("public.customers") >= 0);
        Assert.True(WaveOf("public.customers") < WaveOf("public.orders"));
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.True(migration.Validation.Passed);
        Assert.All(migration.Validation.Tables, t => Assert.Equal(t.SourceChecksum, t.TargetChecksum));
        Assert.Equal(20L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM customers"));
        Assert.Equal(100L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Id == gate.Decision.Id && d.Answer == "parents-first" && d.DecidedBy == "heidi");
        Assert.Contains(history, d => d.Answer.Contains("public.customers added to the migration", StringComparison.Ordinal)
            && d.Reason.Contains("orders_customer_id_fkey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerDecision_Skip_KeepsRowsWithoutParentOutAndReportsThem()
    {
        var (source, target) = await PairAsync("skip", 10);
        var id = await CreateAsync(source, target);
        var gate = await fixture.MissingParentsDecisionAsync(id);

        Assert.DoesNotContain(gate.Decision.Options, o => o.Id == "parents-first");
        Assert.Contains("50 row(s) of public.orders", gate.Decision.Question, StringComparison.Ordinal);
        Assert.Contains("10 customers record(s)", gate.Decision.Question, StringComparison.Ordinal);
        await fixture.AnswerAsync(id, gate.Decision.Id, "skip");
        var migration = await fixture.ApproveAndRunAsync(id);

        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.True(migration.Validation.Passed, string.Join("; ", migration.Validation.Tables.SelectMany(t => t.Issues)));
        var orders = Assert.Single(migration.Validation.Tables, t => t.Table == "public.orders");
        Assert.Equal(50L, orders.QuarantinedRows);
        Assert.Equal(50L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders WHERE customer_id > 10"));
        Assert.Equal(50L, await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{id}' AND table_name = 'public.orders'"));
    }

    [Fact]
    public async Task AnswerDecision_Stop_CancelsWithNothingWritten()
    {
        var (source, target) = await PairAsync("stop", 0);
        var id = await CreateAsync(source, target);
        var gate = await fixture.MissingParentsDecisionAsync(id);

        var answered = await fixture.AnswerAsync(id, gate.Decision.Id, "stop");

        Assert.Equal(MigrationPhase.Cancelled, answered.Migration.Phase);
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task StartMigration_ParentsRemovedFromTargetAfterPlanning_StopsSafelyWithTheGateAndSkipCompletes()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("mp_midrun_src");
        await PostgresServer.ExecuteAsync(source, Schema + """
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
            INSERT INTO orders SELECT g, 1 + (g - 1) % 20, g FROM generate_series(1, 1400) g;
            """);
        var target = await fixture.Postgres.CreateDatabaseAsync("mp_midrun_tgt");
        await PostgresServer.ExecuteAsync(target, Schema + "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;");
        var id = await CreateAsync(source, target);
        var before = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;
        Assert.DoesNotContain(before, d => d.Gate == DecisionGate.MissingParents);

        // The parents disappear from the target after planning: 1,260 orders (more than the error budget) lose theirs.
        await PostgresServer.ExecuteAsync(target, "DELETE FROM customers WHERE id > 2");
        await fixture.Migrations.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "heidi" });
        await fixture.Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "heidi" });
        var gate = await WaitFor.ConditionAsync(
            async () => (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions.FirstOrDefault(d => d.Gate == DecisionGate.MissingParents),
            d => d is not null, TimeSpan.FromMinutes(3), "the missing-parents decision during the copy");

        Assert.Contains("1,260 row(s) of public.orders", gate!.Decision.Question, StringComparison.Ordinal);
        Assert.Contains("18 customers record(s)", gate.Decision.Question, StringComparison.Ordinal);
        Assert.Equal(MigrationPhase.Failed, (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);
        await fixture.AnswerAsync(id, gate.Decision.Id, "skip");
        await Runs.WatchToEndAsync(fixture.Migrations, id);
        var migration = (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;

        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.True(migration.Validation.Passed, string.Join("; ", migration.Validation.Tables.SelectMany(t => t.Issues)));
        Assert.Equal(1260L, Assert.Single(migration.Validation.Tables, t => t.Table == "public.orders").QuarantinedRows);
        Assert.Equal(140L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
    }

    /// <summary>Phrasings of the three answers (one migration, a new conversation per phrasing: a proposal changes nothing).</summary>
    private static readonly (string Words, string Option)[] Phrasings =
    [
        ("migrate the parents first", "parents-first"),
        ("please copy the parent tables too", "parents-first"),
        ("bring the missing parents as well", "parents-first"),
        ("parents first", "parents-first"),
        ("the recommended one", "parents-first"),
        ("skip them", "skip"),
        ("just skip those rows", "skip"),
        ("leave them out", "skip"),
        ("stop the migration", "stop"),
        ("cancel it", "stop"),
    ];

    [Fact]
    public async Task Ask_AnswerInWords_ProposesTheMatchingOption()
    {
        var (source, target) = await PairAsync("words", 0);
        var id = await CreateAsync(source, target);
        try
        {
            foreach (var (words, option) in Phrasings)
            {
                var proposal = await new Chat(fixture.Guidance, id, "ivan").AskAsync(words);

                Assert.True(GuidanceAction.AnswerDecision == proposal.PendingAction?.Action, $"\"{words}\": {proposal.Text}");
                Assert.StartsWith("missing-parents-", proposal.PendingAction!.DecisionId, StringComparison.Ordinal);
                Assert.True(option == proposal.PendingAction.OptionId, $"\"{words}\" → {proposal.PendingAction.OptionId}, expected {option}");
            }

            Assert.Contains((await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions,
                d => d.Gate == DecisionGate.MissingParents);
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }

    [Fact]
    public async Task Ask_ParentsFirstConfirmed_AnswersTheGate()
    {
        var (source, target) = await PairAsync("chat", 0);
        var id = await CreateAsync(source, target);
        try
        {
            var chat = new Chat(fixture.Guidance, id, "ivan");
            var pending = await chat.AskAsync("what do you need from me?");
            await chat.AskAsync("migrate the parents first");
            var done = await chat.AskAsync("yes");

            Assert.Contains(pending.Decisions, d => d.Gate == DecisionGate.MissingParents);
            Assert.True(done.Action.Succeeded, done.Text);
            var decisions = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;
            Assert.DoesNotContain(decisions, d => d.Gate == DecisionGate.MissingParents);
            var plan = (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
            Assert.Contains(plan.Waves.SelectMany(w => w.Tables), t => t.Table == "public.customers");
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }
}
