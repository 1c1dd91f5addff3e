using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// Decision gates on a real migration waiting for approval whose target already has the shop's connection rules
/// (so the plan asks how to treat them): listed with options, risk and recommendation, answered by RPC or in words,
/// recorded with who and why, refused when already answered or with an unknown option, and an unanswered decision
/// reported as overdue in WatchMigration.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class DecisionTests(GuidanceFixture fixture)
{
    private async Task<string> CreateWithTargetRulesAsync()
    {
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_rules_target");
        await PostgresServer.ExecuteAsync(target, SourceDatabase.ShopSql + " TRUNCATE countries, customers, products, orders, order_items;");
        return await Runs.CreateAsync(fixture.Migrations, fixture.ShopSource, target);
    }

    private Task CancelAsync(string id) =>
        fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" }).ResponseAsync;

    [Fact]
    public async Task ListDecisions_PlanWithTargetRules_ListsForeignKeyModeAndPlanApproval()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var decisions = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;

            Assert.Equal([DecisionGate.ForeignKeys, DecisionGate.PlanApproval], decisions.Select(d => d.Gate));
            var rules = decisions[0].Decision;
            Assert.Equal("foreign-key-mode", rules.Id);
            Assert.Equal(["recreate", "keep"], rules.Options.Select(o => o.Id));
            Assert.True(rules.Options[0].Recommended);
            Assert.False(string.IsNullOrEmpty(rules.RiskAssessment));
            Assert.Equal(["approve-and-start", "approve", "reject"], decisions[1].Decision.Options.Select(o => o.Id));
            Assert.True(decisions[1].OverdueAt.ToDateTimeOffset() > decisions[1].RaisedAt.ToDateTimeOffset());
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task AnswerDecision_UnknownOption_IsInvalidArgumentOnOptionIdAndChangesNothing()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = "foreign-key-mode",
                OptionId = "drop-everything",
                AnsweredBy = "carol",
            }));

            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("recreate, keep", error.Status.Detail, StringComparison.Ordinal);
            var badRequest = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>();
            Assert.Equal("option_id", Assert.Single(badRequest.FieldViolations).Field);
            Assert.Equal(2, (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions.Count);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task AnswerDecision_ForeignKeyMode_IsRecordedOnceAndRefusedTheSecondTime()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var answered = await fixture.Guidance.AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = "foreign-key-mode",
                OptionId = "keep",
                AnsweredBy = "carol",
                Reason = "the target is shared with a live app",
            });

            Assert.Equal("keep", answered.Record.Answer);
            Assert.Equal("carol", answered.Record.DecidedBy);
            var plan = (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
            Assert.Equal(ForeignKeyMode.Keep, plan.ForeignKeyMode);
            var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            var entry = Assert.Single(history, d => d.Id == "foreign-key-mode");
            Assert.Equal("the target is shared with a live app", entry.Reason);
            Assert.Equal(["recreate", "keep"], entry.Options);

            var again = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = "foreign-key-mode",
                OptionId = "recreate",
                AnsweredBy = "dave",
            }));
            Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
            Assert.Contains("already answered", again.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(ForeignKeyMode.Keep, (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan.ForeignKeyMode);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task AnswerDecision_UnknownDecisionOrMigration_IsNotFound()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var unknownDecision = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(
                new AnswerDecisionRequest { MigrationId = id, DecisionId = "no-such-decision", OptionId = "keep", AnsweredBy = "carol" }));
            var unknownMigration = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(
                new AnswerDecisionRequest { MigrationId = "mig-nope", DecisionId = "foreign-key-mode", OptionId = "keep", AnsweredBy = "carol" }));
            var missing = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(
                new AnswerDecisionRequest { MigrationId = id }));

            Assert.Equal(StatusCode.NotFound, unknownDecision.StatusCode);
            Assert.Equal(StatusCode.NotFound, unknownMigration.StatusCode);
            Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task AnswerDecision_PlanApprovalApprove_ApprovesWithoutStarting()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var answered = await fixture.Guidance.AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = "plan-approval",
                OptionId = "approve",
                AnsweredBy = "erin",
                Reason = "start it tonight",
            });

            Assert.Equal(MigrationPhase.AwaitingApproval, answered.Migration.Phase);
            Assert.Equal("erin", (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan.ApprovedBy);
            Assert.Empty((await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions);
            var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            Assert.Contains(history, d => d.Id == "plan-approval" && d.DecidedBy == "erin" && d.Reason == "start it tonight");
            var again = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Guidance.AnswerDecisionAsync(
                new AnswerDecisionRequest { MigrationId = id, DecisionId = "plan-approval", OptionId = "reject", AnsweredBy = "frank" }));
            Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task Ask_DecisionInWords_IsConfirmedThenAnswered()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var chat = new Chat(fixture.Guidance, id, user: "grace");

            var pending = await chat.AskAsync("What do you need from me?");
            var proposal = await chat.AskAsync("keep the rules switched on");
            var unchanged = (await fixture.Migrations.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
            var done = await chat.AskAsync("yes");

            Assert.Equal("pending_decisions", pending.Intent);
            Assert.Contains("I recommend", pending.Text, StringComparison.Ordinal);
            Assert.Equal(2, pending.Decisions.Count);
            Assert.Equal(GuidanceAction.AnswerDecision, proposal.PendingAction.Action);
            Assert.Equal("keep", proposal.PendingAction.OptionId);
            Assert.DoesNotContain(unchanged.Decisions, d => d.Id == "foreign-key-mode" && d.Answer.Length > 0);
            Assert.True(done.Action.Succeeded, done.Text);
            var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            Assert.Contains(history, d => d.Id == "foreign-key-mode" && d.Answer == "keep" && d.DecidedBy == "grace");
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task Ask_ApproveThenDecline_ChangesNothing()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var chat = new Chat(fixture.Guidance, id);

            var proposal = await chat.AskAsync("looks good, go ahead");
            var declined = await chat.AskAsync("no");
            var confirmAfterDecline = await chat.AskAsync("yes");

            Assert.Equal(GuidanceAction.ApprovePlan, proposal.PendingAction.Action);
            Assert.Contains("Reply \"yes\"", proposal.Text, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed", declined.Text, StringComparison.Ordinal);
            Assert.Null(confirmAfterDecline.Action);
            var migration = (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
            Assert.Equal(MigrationPhase.AwaitingApproval, migration.Phase);
            Assert.Equal(2, (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions.Count);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task WatchMigration_DecisionLeftUnanswered_ReportsTheWaitAndGuessesNothing()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var watch = fixture.Migrations.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cts.Token);
            MigrationEvent? overdue = null;
            await foreach (var migrationEvent in watch.ResponseStream.ReadAllAsync(cts.Token))
            {
                if (migrationEvent.KindCase == MigrationEvent.KindOneofCase.Warning && migrationEvent.Warning.Message.Contains("without an answer", StringComparison.Ordinal))
                {
                    overdue = migrationEvent;
                    break;
                }
            }

            Assert.NotNull(overdue);
            Assert.Contains("nothing is guessed", overdue.Warning.Message, StringComparison.Ordinal);
            Assert.Contains("plan-approval", overdue.Warning.Message, StringComparison.Ordinal);
            var migration = (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
            Assert.Equal(MigrationPhase.AwaitingApproval, migration.Phase);
            Assert.Equal(2, (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions.Count);
        }
        finally
        {
            await CancelAsync(id);
        }
    }

    [Fact]
    public async Task Ask_WhileWaitingForApproval_AnswersFromThePlan()
    {
        var id = await CreateWithTargetRulesAsync();
        try
        {
            var chat = new Chat(fixture.Guidance, id);

            var plan = await chat.AskAsync("what's the plan?");
            var eta = await chat.AskAsync("how long will it take?");
            var safe = await chat.AskAsync("is my data safe?");
            var status = await chat.AskAsync("where are we?");

            Assert.Contains("waiting for your approval", plan.Text, StringComparison.Ordinal);
            Assert.Contains("estimates", eta.Text, StringComparison.Ordinal);
            Assert.Contains("nothing has been written", safe.Text, StringComparison.Ordinal);
            Assert.Contains("waiting for the plan to be approved", status.Text, StringComparison.Ordinal);
            Assert.Equal(2, status.Decisions.Count);
        }
        finally
        {
            await CancelAsync(id);
        }
    }
}
