using Migration.Cli;
using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Cli;

/// <summary>The CLI's `ask` and `chat` verbs, run in-process against the real server.</summary>
[Collection(GuidanceCollection.Name)]
public sealed class CliGuidanceTests(GuidanceFixture fixture)
{
    private async Task<(int Exit, string Out, string Error)> RunAsync(string input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(input);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var environment = new CliEnvironment(stdout, stderr, stdin) { UserName = "cli-user" };
        var exit = await CliApp.RunAsync(["--server", fixture.Server.Address, "--no-color", .. args], environment, timeout.Token);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Ask_Question_PrintsTheAnswerAndTheConversation()
    {
        var (exit, output, _) = await RunAsync("", "ask", fixture.CompletedId, "how", "are", "the", "customers", "doing?");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("guide: All 1,569 customers are migrated", output, StringComparison.Ordinal);
        Assert.Contains("based on: live progress of the migration", output, StringComparison.Ordinal);
        Assert.Contains("conversation: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Json_WritesTheReplyAsAJsonLine()
    {
        var (exit, output, _) = await RunAsync("", "--json", "ask", fixture.CompletedId, "is my data safe?");

        Assert.Equal(ExitCodes.Success, exit);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("\"reply\"", StringComparison.Ordinal));
        Assert.Contains("data_safe", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_UnknownMigration_FailsWithTheServersReason()
    {
        var (exit, _, error) = await RunAsync("", "ask", "mig-unknown", "how far along are we?");

        Assert.NotEqual(ExitCodes.Success, exit);
        Assert.Contains("No migration with id 'mig-unknown'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_Questions_AreAnsweredUntilExit()
    {
        var (exit, output, _) = await RunAsync("how are the customers doing?\nand orders?\nexit\n", "chat", fixture.CompletedId, "--quiet");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("guide: Hello!", output, StringComparison.Ordinal);
        Assert.Contains("All 1,569 customers are migrated", output, StringComparison.Ordinal);
        Assert.Contains("All 3,000 orders are migrated", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_PendingDecisions_ArePromptedAndAnsweredByNumber()
    {
        var target = await fixture.Postgres.CreateDatabaseAsync("guidance_cli_target");
        await PostgresServer.ExecuteAsync(target, SourceDatabase.ShopSql + " TRUNCATE countries, customers, products, orders, order_items;");
        var id = await Runs.CreateAsync(fixture.Migrations, fixture.ShopSource, target);
        try
        {
            // Keep the rules (option 2), leave the plan approval for later (Enter), then leave.
            var (exit, output, _) = await RunAsync("2\n\nexit\n", "chat", id, "--quiet");

            Assert.Equal(ExitCodes.Success, exit);
            Assert.Contains("Decision (foreign-key-mode)", output, StringComparison.Ordinal);
            Assert.Contains("recorded: Keep them during the load (by cli-user)", output, StringComparison.Ordinal);
            Assert.Contains("left for later", output, StringComparison.Ordinal);
            var history = (await fixture.Guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
            Assert.Contains(history, d => d.Id == "foreign-key-mode" && d.Answer == "keep" && d.DecidedBy == "cli-user");
            var pending = (await fixture.Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions;
            Assert.Equal(DecisionGate.PlanApproval, Assert.Single(pending).Gate);
        }
        finally
        {
            await fixture.Migrations.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }
    }
}
