using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>Follow-ups keep context, turns are kept, and bad input gets a clear status with nothing changed.</summary>
[Collection(GuidanceCollection.Name)]
public sealed class ConversationTests(GuidanceFixture fixture)
{
    [Fact]
    public async Task Ask_FollowUpWithOnlyATable_AnswersTheSameQuestionForIt()
    {
        var chat = new Chat(fixture.Guidance, fixture.CompletedId);

        var first = await chat.AskAsync("How are the customers doing?");
        var second = await chat.AskAsync("and orders?");
        var third = await chat.AskAsync("why is it so slow?");

        Assert.Contains("1,569 customers", first.Text, StringComparison.Ordinal);
        Assert.Equal("table_status", second.Intent);
        Assert.Contains("All 3,000 orders are migrated", second.Text, StringComparison.Ordinal);
        Assert.Equal("why_slow", third.Intent);
        Assert.StartsWith("Orders is copied at", third.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_FollowUpOnWhySlow_KeepsTheIntent()
    {
        var chat = new Chat(fixture.Guidance, fixture.CompletedId);

        await chat.AskAsync("why is customers slow?");
        var followUp = await chat.AskAsync("what about order items?");

        Assert.Equal("why_slow", followUp.Intent);
        Assert.StartsWith("Order items is copied at", followUp.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetConversation_AfterQuestions_ReturnsEveryTurnInOrder()
    {
        var chat = new Chat(fixture.Guidance, fixture.CompletedId, user: "bob");
        await chat.AskAsync("How far along are we?");
        await chat.AskAsync("Is my data safe?");

        var conversation = await fixture.Guidance.GetConversationAsync(new GetConversationRequest { ConversationId = chat.ConversationId });

        Assert.Equal(fixture.CompletedId, conversation.MigrationId);
        Assert.Equal([ConversationRole.User, ConversationRole.Assistant, ConversationRole.User, ConversationRole.Assistant],
            conversation.Turns.Select(t => t.Role));
        Assert.Equal("bob", conversation.Turns[0].User);
        Assert.Equal("Is my data safe?", conversation.Turns[2].Text);
        Assert.Equal("data_safe", conversation.Turns[3].Intent);
    }

    [Fact]
    public async Task Ask_EveryReply_SaysWhatItIsBasedOn()
    {
        var reply = await new Chat(fixture.Guidance, fixture.CompletedId).AskAsync("How far along are we?");

        Assert.Contains("live progress of the migration", reply.Sources);
        Assert.Equal(GuidanceEngine.Deterministic, reply.Engine);
        Assert.Contains(reply.Figures, f => f.Label == "records copied" && f.Value > 0);
        Assert.Equal(5, reply.Table.Rows.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Ask_EmptyText_IsInvalidArgument(string text)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Guidance.AskAsync(new AskRequest { MigrationId = fixture.CompletedId, Text = text }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("empty", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_OversizedText_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Guidance.AskAsync(new AskRequest { MigrationId = fixture.CompletedId, Text = new string('x', 2001) }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("at most 2000", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_UnknownMigration_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Guidance.AskAsync(new AskRequest { MigrationId = "mig-does-not-exist", Text = "how far along are we?" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Ask_UnknownConversation_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AskAsync(new AskRequest
        {
            MigrationId = fixture.CompletedId,
            ConversationId = "no-such-conversation",
            Text = "how far along are we?",
        }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GetConversation_UnknownId_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Guidance.GetConversationAsync(new GetConversationRequest { ConversationId = "nope" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Ask_ConversationOfAnotherMigration_IsInvalidArgument()
    {
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_other_target");
        var other = await Runs.CreateAsync(fixture.Migrations, fixture.ShopSource, target);
        try
        {
            var chat = new Chat(fixture.Guidance, fixture.CompletedId);
            await chat.AskAsync("hello");

            var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AskAsync(new AskRequest
            {
                MigrationId = other,
                ConversationId = chat.ConversationId,
                Text = "how far along are we?",
            }));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(fixture.CompletedId, error.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = other, Reason = "test done" });
        }
    }
}
