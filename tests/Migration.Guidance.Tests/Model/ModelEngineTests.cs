using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Model;

/// <summary>
/// The Semantic Kernel engine against a real local HTTP server speaking the OpenAI chat-completions protocol with
/// scripted tool calls: the model calls the migration functions (automatic function calling) and words the grounded
/// result; it can only propose actions; when the endpoint fails or is too slow the deterministic engine answers and
/// says so; the key is sent to the endpoint and never logged.
/// </summary>
public sealed class ModelEngineTests(ModelFixture fixture) : IClassFixture<ModelFixture>
{
    [Fact]
    public async Task Ask_ModelCallsAFunction_AnswersWithTheLiveFigureItReturned()
    {
        fixture.Model.Clear();
        fixture.Model.Enqueue(_ => FakeChatCompletionServer.ToolCall("get_table_status", new { table = "costumers" }));
        fixture.Model.Enqueue(request => FakeChatCompletionServer.Text("Good news — " + FakeChatCompletionServer.LastToolResult(request)));

        var reply = await new Chat(fixture.Guidance, fixture.CompletedId).AskAsync("hey, how did the people who buy from us come over?");

        Assert.Equal(GuidanceEngine.Model, reply.Engine);
        Assert.StartsWith("Good news — All 1,569 customers are migrated", reply.Text, StringComparison.Ordinal);
        Assert.Contains("functions called: get_table_status", reply.Sources);
        Assert.Contains(reply.Figures, f => f.Label == "records copied" && f.Value == SourceDatabase.Customers);
        var requests = fixture.Model.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Contains(requests[0].Body["tools"]!.AsArray(), t => (string?)t!["function"]!["name"] == "migration-propose_action");
        Assert.Equal("Bearer " + ModelFixture.ApiKey, requests[0].Authorization);
        Assert.DoesNotContain(fixture.Server.Logs.Lines, l => l.Contains(ModelFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ask_ModelProposesApproval_NothingHappensUntilTheUserConfirms()
    {
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_model_approve_target");
        var id = await Runs.CreateAsync(fixture.Server.Client, fixture.ShopSource, target);
        fixture.Model.Clear();
        fixture.Model.Enqueue(_ => FakeChatCompletionServer.ToolCall("propose_action", new { action = "approve" }));
        fixture.Model.Enqueue(request => FakeChatCompletionServer.Text("I can do that. " + FakeChatCompletionServer.LastToolResult(request)));
        var chat = new Chat(fixture.Guidance, id, user: "kim");

        var proposal = await chat.AskAsync("we're good, ship it");
        var before = (await fixture.Server.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        var confirmed = await chat.AskAsync("yes");

        Assert.Equal(GuidanceEngine.Model, proposal.Engine);
        Assert.Equal(GuidanceAction.ApprovePlan, proposal.PendingAction.Action);
        Assert.Contains("Proposed, not done", proposal.Text, StringComparison.Ordinal);
        Assert.Equal(MigrationPhase.AwaitingApproval, before.Phase);
        Assert.False(before.Phase == MigrationPhase.Execution);
        Assert.True(confirmed.Action.Succeeded, confirmed.Text);
        Assert.Equal(2, fixture.Model.Requests.Count);
        await Runs.WatchToEndAsync(fixture.Server.Client, id);
        var after = (await fixture.Server.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.Completed, after.Phase);
    }

    [Fact]
    public async Task Ask_ModelProposesRollback_NothingHappensUntilTheUserConfirms()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("guidance_model_rb_src");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 200) g;");
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_model_rb_tgt");
        var id = await Runs.RunToEndAsync(fixture.Server.Client, source, target);
        fixture.Model.Clear();
        fixture.Model.Enqueue(_ => FakeChatCompletionServer.ToolCall("propose_action", new { action = "rollback" }));
        fixture.Model.Enqueue(request => FakeChatCompletionServer.Text("I can do that. " + FakeChatCompletionServer.LastToolResult(request)));
        var chat = new Chat(fixture.Guidance, id, user: "kim");

        var proposal = await chat.AskAsync("scrap all of it, I want the old situation back");
        var before = (await fixture.Server.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        var rowsBefore = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM notes");
        var confirmed = await chat.AskAsync("yes");

        Assert.Equal(GuidanceEngine.Model, proposal.Engine);
        Assert.Equal(GuidanceAction.Rollback, proposal.PendingAction.Action);
        Assert.Contains("Proposed, not done", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("safely return to the previous state", proposal.Text, StringComparison.Ordinal);
        // The model can only propose: no function of its own removes anything.
        var tools = fixture.Model.Requests.First().Body["tools"]!.AsArray().Select(t => (string?)t!["function"]!["name"]).ToList();
        Assert.DoesNotContain(tools, t => t!.Contains("roll", StringComparison.OrdinalIgnoreCase) || t.Contains("cancel", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(MigrationPhase.Completed, before.Phase);
        Assert.Equal(200L, rowsBefore);
        // The "yes" is the user's, carried out by the assistant after the permission check; the model is not asked.
        Assert.True(confirmed.Action.Succeeded, confirmed.Text);
        Assert.Equal(GuidanceAction.Rollback, confirmed.Action.Action);
        Assert.Equal(2, fixture.Model.Requests.Count);
        var after = (await fixture.Server.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.RolledBack, after.Phase);
        Assert.False(await PostgresServer.ScalarAsync<bool>(target, "SELECT to_regclass('public.notes') IS NOT NULL"));
    }

    [Fact]
    public async Task Ask_ModelEndpointFails_DeterministicEngineAnswersAndSaysSo()
    {
        fixture.Model.Clear();
        fixture.Model.Enqueue(_ => new FakeChatCompletionServer.Step(401, """{"error":{"message":"invalid key","type":"invalid_request_error"}}""", TimeSpan.Zero));

        var reply = await new Chat(fixture.Guidance, fixture.CompletedId).AskAsync("How are the customers doing?");

        Assert.Equal(GuidanceEngine.Deterministic, reply.Engine);
        Assert.Contains("could not be reached", reply.EngineNote, StringComparison.Ordinal);
        Assert.Contains("All 1,569 customers are migrated", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Logs.Lines, l => l.Contains(ModelFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ask_ModelTooSlow_DeterministicEngineAnswersWithinTheTimeout()
    {
        fixture.Model.Clear();
        fixture.Model.Enqueue(_ => FakeChatCompletionServer.Text("too late") with { Delay = TimeSpan.FromSeconds(30) });
        var started = DateTimeOffset.UtcNow;

        var reply = await new Chat(fixture.Guidance, fixture.CompletedId).AskAsync("is my data safe?");

        Assert.Equal(GuidanceEngine.Deterministic, reply.Engine);
        Assert.Contains("did not answer within 8 seconds", reply.EngineNote, StringComparison.Ordinal);
        Assert.Equal("data_safe", reply.Intent);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(25));
    }
}
