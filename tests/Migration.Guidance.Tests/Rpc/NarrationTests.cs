using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// Unprompted narration on the Converse stream of a real run: each quarter of a table as a milestone, and a slowdown
/// when a page takes far longer than the table's own pages. The slowdown is made real and certain: the target table is
/// locked while the copy waits, until the database itself shows the copy has waited for seconds.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class NarrationTests(GuidanceFixture fixture)
{
    private const int Rows = 40_000;

    private const string SourceSql = """
        CREATE TABLE readings (id bigint PRIMARY KEY, sensor int NOT NULL, value double precision NOT NULL);
        INSERT INTO readings SELECT i, i % 50, i * 0.5 FROM generate_series(1, 40000) i;
        ANALYZE;
        """;

    [Fact]
    public async Task Converse_RunWithAPageHeldUp_NarratesMilestonesAndTheSlowdown()
    {
        var source = await SourceDatabase.CreateAsync(fixture.Postgres, "narration_src", SourceSql);
        var target = await fixture.Postgres.CreateDatabaseAsync("narration_tgt");
        var id = await Runs.CreateAsync(fixture.Migrations, source, target, options =>
            options.Batch = new BatchSettings { BaseBatchSize = 200, MinBatchSize = 200, MaxBatchSize = 200 });
        await using var chat = await ConverseSession.OpenAsync(fixture.Guidance, id, "paula", TimeSpan.FromMinutes(3));
        await fixture.Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true, StartedBy = "paula" });

        // A few pages at their normal speed, then a pause.
        await WaitFor.ConditionAsync(async () => (await GetAsync(id)).RowsCopied >= 600, TimeSpan.FromSeconds(60), "the first pages");
        await fixture.Migrations.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = id, Reason = "test: hold a page up" });
        var pausedAt = (await GetAsync(id)).RowsCopied;
        Assert.True(pausedAt < Rows, $"paused at {pausedAt}");

        // The target table is locked; the resumed copy's next page waits for it, measured by the database.
        await using (var blocker = new NpgsqlConnection(target))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            await fixture.Migrations.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = id });
            await WaitFor.ConditionAsync(
                () => PostgresServer.ScalarAsync<bool>(target,
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' " +
                    "AND clock_timestamp() - query_start > interval '2.5 seconds')"),
                TimeSpan.FromSeconds(60), "a page of the copy waiting 2.5 s for the locked table");
            await transaction.CommitAsync();
        }

        await chat.ReadUntilAsync(r => r.Narration is { Kind: NarrationKind.PhaseChanged } n && n.Text.Contains("finished and checked", StringComparison.Ordinal),
            "the end of the run");

        var slowdown = Assert.Single(chat.Narration, n => n.Kind == NarrationKind.Slowdown);
        Assert.StartsWith("Readings slowed down: the last page took", slowdown.Text, StringComparison.Ordinal);
        Assert.Contains(slowdown.Figures, f => f.Label == "page time" && f.Value >= 2.5);
        var milestones = chat.Narration.Where(n => n.Kind == NarrationKind.Milestone).Select(n => n.Text).ToList();
        Assert.Equal(3, milestones.Count);
        Assert.All(milestones, m => Assert.Matches(@"^Migrated [\d,]+ of 40,000 readings \((25|50|75)%\)\.$", m));
        Assert.Equal(["(25%)", "(50%)", "(75%)"], milestones.Select(m => m[m.LastIndexOf('(')..^1]));
        Assert.Contains(chat.Narration, n => n.Kind == NarrationKind.TableCompleted && n.Text.StartsWith("Readings is done: 40,000 records", StringComparison.Ordinal));
        Assert.True(chat.Received.FindIndex(r => r.Narration?.Kind == NarrationKind.Slowdown) > chat.Received.FindIndex(r => r.Narration?.Kind == NarrationKind.PhaseChanged
            && r.Narration.Text.Contains("paused", StringComparison.OrdinalIgnoreCase)));
        var conversation = await fixture.Guidance.GetConversationAsync(new GetConversationRequest { ConversationId = chat.Opened.ConversationId });
        Assert.Contains(conversation.Turns, t => t.Role == ConversationRole.Narration && t.Text == slowdown.Text);
    }

    private async Task<Contracts.V1.Migration> GetAsync(string id) =>
        (await fixture.Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
}
