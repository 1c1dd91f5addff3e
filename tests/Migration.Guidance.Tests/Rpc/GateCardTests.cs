using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// The orphans gate and the schema-mismatch gate as decision cards on real migrations: listed by ListDecisions with
/// their options, the risk of each and a recommendation, presented in the chat, and answered in words.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class GateCardTests(GuidanceFixture fixture)
{
    /// <summary>10 teams; 120 players, 20 of them in teams 11 and 12, which do not exist (the source has no rule to stop that).</summary>
    private const string OrphanSourceSql = """
        CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO teams SELECT g, 'team ' || g FROM generate_series(1, 10) g;
        CREATE TABLE players (id int PRIMARY KEY, team_id int NOT NULL, name text NOT NULL);
        INSERT INTO players SELECT g, 1 + g % 12, 'player ' || g FROM generate_series(1, 120) g;
        ANALYZE;
        """;

    /// <summary>
    /// The target declares the connection rule, but its checks are switched off (DISABLE TRIGGER ALL, as a bulk load
    /// with triggers off would leave it): the rows arrive, and only the final check can find the data that lost its connection.
    /// </summary>
    private const string OrphanTargetSql = """
        CREATE TABLE teams (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE players (id int PRIMARY KEY, team_id int NOT NULL REFERENCES teams (id), name text NOT NULL);
        ALTER TABLE players DISABLE TRIGGER ALL;
        """;

    [Fact]
    public async Task Converse_FinalCheckFindsOrphans_NarratesTheErrorPresentsTheOrphansCardUnpromptedAndItIsAnsweredInWords()
    {
        var source = await SourceDatabase.CreateAsync(fixture.Postgres, "gate_orphans_src", OrphanSourceSql);
        var target = await SourceDatabase.CreateAsync(fixture.Postgres, "gate_orphans_tgt", OrphanTargetSql);
        var id = await Runs.CreateAsync(fixture.Migrations, source, target);
        await using var chat = await ConverseSession.OpenAsync(fixture.Guidance, id, "nina", TimeSpan.FromMinutes(2));
        await fixture.AnswerAsync(id, "foreign-key-mode", "keep");
        await fixture.AnswerAsync(id, "plan-approval", "approve-and-start");

        // Unprompted: the run's error, then the decision it raised, without a question from the user.
        var presented = await chat.ReadUntilAsync(r => r.DecisionRequest?.Gate == DecisionGate.Orphans, "the orphans decision card");
        var error = Assert.Single(chat.Narration, n => n.Kind == NarrationKind.Error);
        Assert.Contains("Validation failed", error.Text, StringComparison.Ordinal);
        Assert.True(chat.Received.FindIndex(r => r.Narration?.Kind == NarrationKind.Error) < chat.Received.IndexOf(presented));

        var card = Assert.Single((await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions);
        Assert.Equal(DecisionGate.Orphans, card.Gate);
        Assert.Equal(presented.DecisionRequest.Decision.Id, card.Decision.Id);
        Assert.Contains("20 row(s) point to data that is not there (data that lost its connection)", card.Decision.Question, StringComparison.Ordinal);
        Assert.Equal(["resume", "cancel"], card.Decision.Options.Select(o => o.Id));
        Assert.True(card.Decision.Options[0].Recommended);
        Assert.All(card.Decision.Options, o => Assert.False(string.IsNullOrEmpty(o.Risk)));
        Assert.Contains("Nothing more is written", card.Decision.RiskAssessment, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(card.Decision.Recommendation));
        Assert.Equal(MigrationPhase.Failed, (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);

        var pending = await chat.SayAsync("what do you need from me?");
        var proposal = await chat.SayAsync("the second option");
        var done = await chat.SayAsync("yes");

        Assert.Contains("data that lost its connection", pending.Text, StringComparison.Ordinal);
        Assert.Contains("I recommend", pending.Text, StringComparison.Ordinal);
        Assert.Equal(GuidanceAction.AnswerDecision, proposal.PendingAction.Action);
        Assert.Equal("cancel", proposal.PendingAction.OptionId);
        Assert.True(done.Action.Succeeded, done.Text);
        Assert.Equal(MigrationPhase.Cancelled, done.Action.Migration.Phase);
        Assert.Empty((await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions);
        var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Id == card.Decision.Id && d.Answer == "cancel" && d.DecidedBy == "nina" && d.Risk == card.Decision.RiskAssessment);
    }

    private const string LegacySourceSql = """
        CREATE TABLE dispatch_customer (id serial PRIMARY KEY, email_addr varchar(255), is_active boolean);
        CREATE TABLE dispatch_status (id integer PRIMARY KEY, name varchar(20) NOT NULL);
        CREATE TABLE dispatch_order (id serial PRIMARY KEY, customer_id integer REFERENCES dispatch_customer(id),
            status_id integer REFERENCES dispatch_status(id), total_amt numeric(12,2));
        INSERT INTO dispatch_customer (email_addr, is_active) VALUES ('a@x.org', true), ('b@x.org', false);
        INSERT INTO dispatch_status VALUES (1, 'new'), (2, 'paid'), (3, 'void'), (4, 'lost');
        INSERT INTO dispatch_order (customer_id, status_id, total_amt) VALUES (1, 1, 10), (1, 2, 20), (2, 4, 5);
        """;

    private const string ModernTargetSql = """
        CREATE TYPE order_status AS ENUM ('pending', 'paid', 'cancelled');
        CREATE TABLE customers (id uuid PRIMARY KEY, legacy_id integer, email varchar(255) NOT NULL, active boolean);
        CREATE TABLE orders (id uuid PRIMARY KEY, legacy_id integer, customer_id uuid, status order_status, total_amount numeric(12,2));
        """;

    /// <summary>"lost" has no label in the target's enum and the spec does not map it: sampling finds it before anything is written.</summary>
    private const string SpecJson = """
        {
          "tables": [
            { "source": "dispatch_customer", "target": "customers", "key": { "legacyIdColumn": "legacy_id" },
              "columns": [ { "target": "email", "source": "email_addr" }, { "target": "active", "source": "is_active" } ] },
            { "source": "dispatch_order", "target": "orders", "key": { "legacyIdColumn": "legacy_id" },
              "lookups": [ { "name": "status_name", "sourceColumn": "status_id", "table": "dispatch_status", "valueColumn": "name" } ],
              "columns": [
                { "target": "status", "source": "status_name", "transform": "valueMap", "values": { "new": "pending", "paid": "paid", "void": "cancelled" } },
                { "target": "total_amount", "source": "total_amt" } ],
              "references": [ { "sourceColumn": "customer_id", "targetColumn": "customer_id", "entityType": "customers" } ] }
          ]
        }
        """;

    [Fact]
    public async Task ListDecisions_SchemaMismatch_IsACardWithOptionsRiskAndRecommendationAnsweredInWords()
    {
        var source = await SourceDatabase.CreateAsync(fixture.Postgres, "gate_mismatch_src", LegacySourceSql);
        var target = await SourceDatabase.CreateAsync(fixture.Postgres, "gate_mismatch_tgt", ModernTargetSql);
        var id = await Runs.CreateAsync(fixture.Migrations, source, target, o => o.MappingJson = SpecJson);
        try
        {
            var cards = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;

            var card = Assert.Single(cards, c => c.Gate == DecisionGate.SchemaMismatch);
            Assert.Contains(cards, c => c.Gate == DecisionGate.PlanApproval);
            Assert.StartsWith("schema-mismatch-", card.Decision.Id, StringComparison.Ordinal);
            Assert.Contains("\"lost\"", card.Decision.Question, StringComparison.Ordinal);
            Assert.Equal(["adapt-data", "change-target"], card.Decision.Options.Select(o => o.Id));
            Assert.True(card.Decision.Options[0].Recommended);
            Assert.All(card.Decision.Options, o => Assert.False(string.IsNullOrEmpty(o.Risk)));
            Assert.Contains("Nothing is written while this waits", card.Decision.RiskAssessment, StringComparison.Ordinal);
            Assert.StartsWith("Adapt the data", card.Decision.Recommendation, StringComparison.Ordinal);
            Assert.True(card.OverdueAt.ToDateTimeOffset() > card.RaisedAt.ToDateTimeOffset());

            var chat = new Chat(fixture.Guidance, id, user: "oscar");
            var pending = await chat.AskAsync("anything for me?");
            var proposal = await chat.AskAsync("adapt the data");
            var done = await chat.AskAsync("yes");

            Assert.Contains(pending.Decisions, d => d.Gate == DecisionGate.SchemaMismatch && d.Decision.Id == card.Decision.Id);
            Assert.Contains("\"lost\"", pending.Text, StringComparison.Ordinal);
            Assert.Equal(GuidanceAction.AnswerDecision, proposal.PendingAction.Action);
            Assert.Equal(card.Decision.Id, proposal.PendingAction.DecisionId);
            Assert.Equal("adapt-data", proposal.PendingAction.OptionId);
            Assert.True(done.Action.Succeeded, done.Text);
            var after = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;
            Assert.DoesNotContain(after, c => c.Gate == DecisionGate.SchemaMismatch);
            var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            Assert.Contains(history, d => d.Id == card.Decision.Id && d.Answer == "adapt-data" && d.DecidedBy == "oscar");
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }
}
