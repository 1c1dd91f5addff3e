using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>Conversations, their context, pending decisions and the decision history live in Redis: a restarted server has them.</summary>
[Collection(GuidanceCollection.Name)]
public sealed class RestartTests(GuidanceFixture fixture)
{
    [Fact]
    public async Task Ask_AfterServerRestart_ConversationContextAndDecisionsAreKept()
    {
        var serviceId = $"guidance-restart-{Guid.NewGuid():N}";
        var settings = fixture.Settings();
        settings["Redis:KeyPrefix"] = RedisServer.NewKeyPrefix("guidance-restart");
        settings["Orleans:ServiceId"] = serviceId;
        settings["Orleans:ClusterId"] = serviceId;
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_restart_target");
        await PostgresServer.ExecuteAsync(target, SourceDatabase.ShopSql + " TRUNCATE countries, customers, products, orders, order_items;");

        string id;
        string conversationId;
        await using (var first = await InProcessServer.StartAsync(settings))
        {
            id = await Runs.CreateAsync(first.Client, fixture.ShopSource, target);
            var chat = new Chat(new GuidanceService.GuidanceServiceClient(first.Channel), id, user: "lena");
            await chat.AskAsync("what is the mapping of customers?");
            await new GuidanceService.GuidanceServiceClient(first.Channel).AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = "foreign-key-mode",
                OptionId = "keep",
                AnsweredBy = "lena",
                Reason = "before the restart",
            });
            conversationId = chat.ConversationId!;
        }

        await using var second = await InProcessServer.StartAsync(settings);
        var guidance = new GuidanceService.GuidanceServiceClient(second.Channel);
        try
        {
            var conversation = await guidance.GetConversationAsync(new GetConversationRequest { ConversationId = conversationId });
            var followUp = await guidance.AskAsync(new AskRequest { MigrationId = id, ConversationId = conversationId, Text = "and orders?", User = "lena" });
            var history = (await guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            var pending = (await guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;

            Assert.Equal(2, conversation.Turns.Count);
            Assert.Equal("mapping", followUp.Reply.Intent);
            Assert.StartsWith("Orders goes to public.orders", followUp.Reply.Text, StringComparison.Ordinal);
            Assert.Contains(history, d => d.Id == "foreign-key-mode" && d.DecidedBy == "lena" && d.Reason == "before the restart");
            Assert.Equal(DecisionGate.PlanApproval, Assert.Single(pending).Gate);
        }
        finally
        {
            await second.Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }
}
