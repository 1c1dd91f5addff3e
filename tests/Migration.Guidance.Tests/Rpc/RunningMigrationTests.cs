using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Migration.Contracts.V1;
using Migration.Guidance.Abstractions;
using Migration.Guidance.Answers;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// A migration caught while it copies (60,000 readings in pages of 50): live figures, pause and resume and cancel in
/// the chat (each confirmed first, carried out by the orchestrator), the chat stream with narration, and the one
/// permission check that can refuse a chat action.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class RunningMigrationTests(GuidanceFixture fixture)
{
    private async Task<string> StartReadingsAsync()
    {
        var source = await SourceDatabase.CreateAsync(fixture.Postgres, "guidance_readings", SourceDatabase.ReadingsSql);
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_readings_target");
        var id = await Runs.CreateAsync(fixture.Migrations, source, target, options =>
            options.Batch = new BatchSettings { BaseBatchSize = 50, MinBatchSize = 50, MaxBatchSize = 50 });
        await fixture.Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true, StartedBy = "tests" });
        return id;
    }

    private async Task<Contracts.V1.Migration> GetAsync(string id) =>
        (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;

    private async Task CancelQuietlyAsync(string id)
    {
        if (await GetAsync(id) is { Phase: not (MigrationPhase.Cancelled or MigrationPhase.Completed or MigrationPhase.Failed) })
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }

    [Fact]
    public async Task Ask_PauseResumeCancelInTheChat_AreConfirmedAndCarriedOutByTheOrchestrator()
    {
        var id = await StartReadingsAsync();
        try
        {
            var chat = new Chat(fixture.Guidance, id, user: "heidi");
            await WaitFor.ConditionAsync(async () => (await GetAsync(id)).RowsCopied > 0, TimeSpan.FromSeconds(30), "the first pages");

            var status = await chat.AskAsync("how is readings doing?");
            var pauseProposal = await chat.AskAsync("hold on, pause it");
            Assert.Equal(MigrationPhase.Execution, (await GetAsync(id)).Phase);
            var paused = await chat.AskAsync("yes");
            var pausedPhase = (await GetAsync(id)).Phase;
            var resumeProposal = await chat.AskAsync("carry on");
            var resumed = await chat.AskAsync("yes");
            var resumedPhase = (await GetAsync(id)).Phase;
            var cancelProposal = await chat.AskAsync("cancel it for good");
            var cancelled = await chat.AskAsync("yes please");

            Assert.Matches(@"Migrated [\d,]+ of 60,000 readings \(\d+%\)", status.Text);
            Assert.Equal(GuidanceAction.Pause, pauseProposal.PendingAction.Action);
            Assert.True(paused.Action.Succeeded, paused.Text);
            Assert.Equal(MigrationPhase.Paused, pausedPhase);
            Assert.Equal(GuidanceAction.Resume, resumeProposal.PendingAction.Action);
            Assert.True(resumed.Action.Succeeded, resumed.Text);
            Assert.Equal(MigrationPhase.Execution, resumedPhase);
            Assert.Equal(GuidanceAction.Cancel, cancelProposal.PendingAction.Action);
            Assert.True(cancelled.Action.Succeeded, cancelled.Text);
            Assert.Equal(MigrationPhase.Cancelled, (await GetAsync(id)).Phase);
            Assert.Equal(MigrationPhase.Cancelled, cancelled.Action.Migration.Phase);
        }
        finally
        {
            await CancelQuietlyAsync(id);
        }
    }

    [Fact]
    public async Task Ask_WhileCopying_GivesLiveFiguresAndTimeLeft()
    {
        var id = await StartReadingsAsync();
        try
        {
            await WaitFor.ConditionAsync(async () => await GetAsync(id) is { RowsCopied: > 0, RowsPerSecond: > 0 }, TimeSpan.FromSeconds(30), "a measured speed");
            var chat = new Chat(fixture.Guidance, id);

            var eta = await chat.AskAsync("when will it be done?");
            var next = await chat.AskAsync("what happens next?");

            Assert.True(eta.Text.Contains("left at the current", StringComparison.Ordinal) || eta.Text.Contains("final check", StringComparison.Ordinal), eta.Text);
            Assert.Contains("final check", next.Text, StringComparison.Ordinal);
        }
        finally
        {
            await CancelQuietlyAsync(id);
        }
    }

    [Fact]
    public async Task Ask_ActionTheCallerMayNotDo_IsRefusedAndNothingChanges()
    {
        var id = await StartReadingsAsync();
        try
        {
            var assistant = ActivatorUtilities.CreateInstance<GuidanceAssistant>(fixture.Server.Services, new ViewerOnlyAuthorizer());
            var caller = new GuidanceCaller("ivan", ["viewer"]);

            var proposal = await assistant.AskAsync(id, null, "pause it", caller, CancellationToken.None);
            var refused = await assistant.AskAsync(id, proposal.ConversationId, "yes", caller, CancellationToken.None);

            Assert.NotNull(proposal.Answer.PendingAction);
            Assert.False(refused.Answer.Action!.Succeeded);
            Assert.Contains("viewers may only ask", refused.Answer.Text, StringComparison.Ordinal);
            Assert.Equal(MigrationPhase.Execution, (await GetAsync(id)).Phase);
        }
        finally
        {
            await CancelQuietlyAsync(id);
        }
    }

    [Fact]
    public async Task Converse_ApproveInTheChat_NarratesTheRunToTheEnd()
    {
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_converse_target");
        var id = await Runs.CreateAsync(fixture.Migrations, fixture.ShopSource, target);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var call = fixture.Guidance.Converse(cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new ConverseRequest { Open = new ConverseOpen { MigrationId = id, User = "judy" } });

        var responses = call.ResponseStream;
        Assert.True(await responses.MoveNext(cts.Token));
        var opened = responses.Current.Opened;
        await call.RequestStream.WriteAsync(new ConverseRequest { Text = "go ahead" });
        var proposal = await NextReplyAsync(responses, cts.Token);
        await call.RequestStream.WriteAsync(new ConverseRequest { Text = "yes" });
        var done = await NextReplyAsync(responses, cts.Token);

        var narration = new List<Contracts.V1.Narration>();
        while (await responses.MoveNext(cts.Token))
        {
            if (responses.Current.KindCase == ConverseResponse.KindOneofCase.Narration)
            {
                narration.Add(responses.Current.Narration);
                if (narration[^1].Kind == NarrationKind.PhaseChanged && narration[^1].Text.Contains("finished and checked", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        await call.RequestStream.WriteAsync(new ConverseRequest { Text = "how far along are we?" });
        var final = await NextReplyAsync(responses, cts.Token);
        await call.RequestStream.CompleteAsync();

        Assert.False(string.IsNullOrEmpty(opened.ConversationId));
        Assert.Contains("waiting for the plan to be approved", opened.Greeting.Text, StringComparison.Ordinal);
        Assert.Contains(opened.Greeting.Decisions, d => d.Gate == DecisionGate.PlanApproval);
        Assert.Equal(GuidanceAction.ApprovePlan, proposal.PendingAction.Action);
        Assert.True(done.Action.Succeeded, done.Text);
        Assert.Contains(narration, n => n.Kind == NarrationKind.TableCompleted && n.Text.StartsWith("Customers is done: 1,569 records", StringComparison.Ordinal));
        Assert.Contains(narration, n => n.Kind == NarrationKind.Validation);
        Assert.Contains("finished", final.Text, StringComparison.Ordinal);
        var conversation = await fixture.Guidance.GetConversationAsync(new GetConversationRequest { ConversationId = opened.ConversationId });
        Assert.Contains(conversation.Turns, t => t.Role == ConversationRole.Narration);
    }

    [Fact]
    public async Task Converse_FirstMessageNotOpen_IsInvalidArgument()
    {
        using var call = fixture.Guidance.Converse();
        await call.RequestStream.WriteAsync(new ConverseRequest { Text = "hello?" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Converse_EmptyMessage_GetsAClearAnswerAndTheChatGoesOn()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = fixture.Guidance.Converse(cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new ConverseRequest { Open = new ConverseOpen { MigrationId = fixture.CompletedId, Quiet = true } });
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));

        await call.RequestStream.WriteAsync(new ConverseRequest { Text = " " });
        var invalid = await NextReplyAsync(call.ResponseStream, cts.Token);
        await call.RequestStream.WriteAsync(new ConverseRequest { Text = "is my data safe?" });
        var answer = await NextReplyAsync(call.ResponseStream, cts.Token);
        await call.RequestStream.CompleteAsync();

        Assert.Equal("invalid", invalid.Intent);
        Assert.Contains("empty", invalid.Text, StringComparison.Ordinal);
        Assert.Equal("data_safe", answer.Intent);
    }

    private static async Task<GuidanceReply> NextReplyAsync(IAsyncStreamReader<ConverseResponse> responses, CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken))
        {
            if (responses.Current.KindCase == ConverseResponse.KindOneofCase.Reply)
            {
                return responses.Current.Reply;
            }
        }

        throw new InvalidOperationException("The stream ended without a reply.");
    }

    /// <summary>What the security layer's authorizer does for a viewer: asking is fine, actions are not.</summary>
    private sealed class ViewerOnlyAuthorizer : IGuidanceAuthorizer
    {
        public ValueTask<GuidanceAuthorization> AuthorizeAsync(GuidanceCaller caller, GuidanceActionKind action, string migrationId,
            CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(caller.Roles.Contains("operator")
                ? GuidanceAuthorization.Allow
                : GuidanceAuthorization.Deny("viewers may only ask questions."));
    }
}
