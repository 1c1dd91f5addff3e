using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// The "create placeholders" answer to the missing-parents gate: orders are migrated, customers (their parent) are
/// left out and the target holds only half of them. Customers' other columns may be empty, so a placeholder customer
/// (key only) can stand in for each missing one: every order arrives with its connection, the placeholders are listed
/// for review, and a rollback removes them with the rest.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class PlaceholderParentsTests(GuidanceFixture fixture)
{
    private const string Schema = """
        CREATE TABLE customers (id integer PRIMARY KEY, name text, since date DEFAULT current_date);
        CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), amount integer NOT NULL);
        """;

    [Fact]
    public async Task AnswerDecision_Placeholders_EveryRowArrivesPlaceholdersListedAndRolledBack()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("mp_placeholders_src");
        await PostgresServer.ExecuteAsync(source, Schema + """
            INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
            INSERT INTO orders SELECT g, 1 + (g - 1) % 20, g * 10 FROM generate_series(1, 100) g;
            """);
        var target = await fixture.Postgres.CreateDatabaseAsync("mp_placeholders_tgt");
        await PostgresServer.ExecuteAsync(target, Schema + "INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 10) g;");
        var id = await Runs.CreateAsync(fixture.Migrations, source, target, o => o.ExcludeTables.Add("customers"));
        var gate = Assert.Single((await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions,
            d => d.Gate == DecisionGate.MissingParents);
        Assert.Equal(["skip", "placeholders", "stop"], gate.Decision.Options.Select(o => o.Id));

        // Answered in words in the chat: the answer is proposed, then confirmed.
        var chat = new Chat(fixture.Guidance, id, "heidi");
        var proposal = await chat.AskAsync("create placeholders for the missing customers");
        Assert.True("placeholders" == proposal.PendingAction?.OptionId, proposal.Text);
        var done = await chat.AskAsync("yes");
        Assert.True(done.Action.Succeeded, done.Text);
        await fixture.Migrations.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "heidi" });
        await fixture.Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "heidi" });
        var events = await Runs.WatchToEndAsync(fixture.Migrations, id);
        var migration = (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;

        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        Assert.True(migration.Validation.Passed);
        Assert.Equal(100L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        Assert.Equal(10L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM customers WHERE name IS NULL AND id BETWEEN 11 AND 20"));
        Assert.Equal("11,12,13,14,15,16,17,18,19,20", await PostgresServer.ScalarAsync<string>(target,
            $"SELECT string_agg(key, ',' ORDER BY key::int) FROM migration_control.placeholder_rows WHERE migration_id = '{id}' AND parent_table = 'public.customers'"));
        Assert.Contains(events, e => e.Warning?.Message.Contains("10 placeholder", StringComparison.Ordinal) == true);
        var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Id == gate.Decision.Id && d.Answer == "placeholders" && d.DecidedBy == "heidi");

        var rollback = await new RecoveryService.RecoveryServiceClient(fixture.Server.Channel)
            .RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "test" });
        Assert.True(rollback.Verified, rollback.Summary);
        Assert.Equal(10L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM customers"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM orders"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM migration_control.placeholder_rows WHERE migration_id = '{id}'"));
    }
}
