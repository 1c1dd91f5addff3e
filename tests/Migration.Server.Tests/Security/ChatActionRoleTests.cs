using Grpc.Core.Interceptors;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests.Security;

/// <summary>
/// Actions confirmed in the chat need the roles of the RPCs that do the same: pause, resume and cancel need operator
/// (a viewer and an approver are refused and nothing changes), answering a decision needs approver (a viewer and an
/// operator are refused). Every attempt is in the audit trail as <c>chat:&lt;Action&gt;</c> with its outcome.
/// </summary>
[Collection(SecuredServerCollection.Name)]
public sealed class ChatActionRoleTests(SecuredServerFixture fixture)
{
    private static readonly string[] Refused = ["viewer", "approver"];

    [Fact]
    public async Task PauseResumeCancelInTheChat_ViewerAndApproverRefused_OperatorObeyed()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("chat_ops_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("chat_ops_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE open_rows (id int PRIMARY KEY, body text);
            INSERT INTO open_rows SELECT g, 'o' || g FROM generate_series(1, 300) g;
            CREATE TABLE held_rows (id int PRIMARY KEY, body text);
            INSERT INTO held_rows SELECT g, 'h' || g FROM generate_series(1, 300) g;
            """);

        var operatorClient = fixture.ClientWithKey("operator");
        var id = (await operatorClient.CreateMigrationAsync(MigrationRun.Request(source, target))).Migration.Id;
        await fixture.ClientWithKey("approver").ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id });

        // held_rows stays locked in the source, so the migration is still copying whatever the roles' turns take.
        await using var holder = new NpgsqlConnection(source);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var lockHeld = new NpgsqlCommand("LOCK TABLE held_rows IN ACCESS EXCLUSIVE MODE", holder, hold))
        {
            await lockHeld.ExecuteNonQueryAsync();
        }

        await operatorClient.StartMigrationAsync(new StartMigrationRequest { MigrationId = id });
        await WaitFor.ConditionAsync(async () => await PhaseAsync(id) == MigrationPhase.Execution, TimeSpan.FromSeconds(30), "execution");

        await AssertRefusedThenObeyedAsync(id, "pause the migration", GuidanceAction.Pause, MigrationPhase.Execution, MigrationPhase.Paused);
        await AssertRefusedThenObeyedAsync(id, "resume", GuidanceAction.Resume, MigrationPhase.Paused, MigrationPhase.Execution);
        await AssertRefusedThenObeyedAsync(id, "cancel the migration", GuidanceAction.Cancel, MigrationPhase.Execution, MigrationPhase.Cancelled);
        await hold.RollbackAsync();

        var records = (await Operations().ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id })).Records
            .Where(r => r.Action.StartsWith("chat:", StringComparison.Ordinal)).ToList();
        foreach (var action in new[] { "chat:Pause", "chat:Resume", "chat:Cancel" })
        {
            Assert.Contains(records, r => r.Action == action && r.Actor == "api-key:viewer" && r.Outcome == "PermissionDenied");
            Assert.Contains(records, r => r.Action == action && r.Actor == "api-key:approver" && r.Outcome == "PermissionDenied");
            Assert.Contains(records, r => r.Action == action && r.Actor == "api-key:operator" && r.Outcome == "OK");
            Assert.Equal(3, records.Count(r => r.Action == action));
        }
    }

    [Fact]
    public async Task AnswerDecisionInTheChat_ViewerAndOperatorRefused_ApproverObeyed()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("chat_answer_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("chat_answer_tgt");
        const string Schema = """
            CREATE TABLE owners (id int PRIMARY KEY, name text);
            CREATE TABLE pets (id int PRIMARY KEY, owner_id int NOT NULL REFERENCES owners (id), name text);
            """;
        await PostgresServer.ExecuteAsync(source, Schema + """
            INSERT INTO owners SELECT g, 'owner ' || g FROM generate_series(1, 20) g;
            INSERT INTO pets SELECT g, 1 + g % 20, 'pet ' || g FROM generate_series(1, 40) g;
            """);
        await PostgresServer.ExecuteAsync(target, Schema); // the target's foreign key raises the decision
        var operatorClient = fixture.ClientWithKey("operator");
        var id = (await operatorClient.CreateMigrationAsync(MigrationRun.Request(source, target))).Migration.Id;
        var decision = (await Guidance("viewer").ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions
            .Single(d => d.Gate == DecisionGate.ForeignKeys);

        foreach (var role in new[] { "viewer", "operator" })
        {
            var refused = await ConfirmAsync(role, id, "keep the rules", GuidanceAction.AnswerDecision);
            Assert.False(refused.Reply.Action.Succeeded);
            Assert.Contains("approver", refused.Reply.Action.Message, StringComparison.Ordinal);
        }

        var stillPending = await Guidance("viewer").ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id });
        Assert.Contains(stillPending.Decisions, d => d.Decision.Id == decision.Decision.Id);

        var obeyed = await ConfirmAsync("approver", id, "keep the rules", GuidanceAction.AnswerDecision);

        Assert.True(obeyed.Reply.Action.Succeeded, obeyed.Reply.Action.Message);
        var history = await Guidance("viewer").GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id });
        var answered = Assert.Single(history.Decisions, d => d.Id == decision.Decision.Id);
        Assert.Equal("keep", answered.Answer);
        Assert.Equal("api-key:approver", answered.DecidedBy);
        var records = (await Operations().ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id, Action = "chat:AnswerDecision" })).Records;
        Assert.Contains(records, r => r.Actor == "api-key:viewer" && r.Outcome == "PermissionDenied");
        Assert.Contains(records, r => r.Actor == "api-key:operator" && r.Outcome == "PermissionDenied");
        Assert.Contains(records, r => r.Actor == "api-key:approver" && r.Outcome == "OK");
        await operatorClient.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
    }

    /// <summary>Viewer and approver ask and confirm and are refused (the phase stays); then the operator's confirmation does it.</summary>
    private async Task AssertRefusedThenObeyedAsync(string id, string text, GuidanceAction action, MigrationPhase before, MigrationPhase after)
    {
        foreach (var role in Refused)
        {
            var refused = await ConfirmAsync(role, id, text, action);
            Assert.False(refused.Reply.Action.Succeeded);
            Assert.Contains("operator", refused.Reply.Action.Message, StringComparison.Ordinal);
            Assert.Equal(before, await PhaseAsync(id));
        }

        var obeyed = await ConfirmAsync("operator", id, text, action);

        Assert.True(obeyed.Reply.Action.Succeeded, obeyed.Reply.Action.Message);
        Assert.Equal(after, await PhaseAsync(id));
    }

    /// <summary>Asks for the action, checks it is proposed for confirmation, and confirms it with "yes".</summary>
    private async Task<AskResponse> ConfirmAsync(string role, string id, string text, GuidanceAction action)
    {
        var guidance = Guidance(role);
        var proposed = await guidance.AskAsync(new AskRequest { MigrationId = id, Text = text });
        Assert.True(proposed.Reply.PendingAction?.Action == action, $"{role}: '{text}' was answered with: {proposed.Reply.Text}");
        var confirmed = await guidance.AskAsync(new AskRequest { MigrationId = id, ConversationId = proposed.ConversationId, Text = "yes" });
        Assert.Equal(action, confirmed.Reply.Action?.Action);
        return confirmed;
    }

    private async Task<MigrationPhase> PhaseAsync(string id) =>
        (await fixture.ClientWithKey("viewer").GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase;

    private OperationsService.OperationsServiceClient Operations() =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys["admin"]);
            return m;
        }));

    private GuidanceService.GuidanceServiceClient Guidance(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));
}
