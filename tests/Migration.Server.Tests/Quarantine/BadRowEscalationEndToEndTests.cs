using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Quarantine;

/// <summary>
/// Poisoned data end to end through gRPC, on a server whose error budget is 3 bad rows per table: within the budget
/// the migration completes with the bad rows quarantined, listed and reconciled (source = copied + quarantined) and
/// the final check passes; beyond it the migration stops safely with a decision carrying the ErrorContext, and the
/// answer decides: "skip" completes, "cancel" stops with nothing more written.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BadRowEscalationEndToEndTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string TargetSchema =
        """
        CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0), label text NOT NULL);
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);
        """;

    private InProcessServer? _server;

    private InProcessServer Server => _server!;

    public async Task InitializeAsync() =>
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Migration:ErrorBudget:MaxQuarantinedRows"] = "3" });

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Run_BadRowsWithinBudget_CompletesWithThemQuarantinedListedAndReconciled()
    {
        var (source, target) = await DatabasesAsync("e2e_q_ok", badIds: [17, 1234]);
        await PostgresServer.ExecuteAsync(source, "UPDATE items SET label = NULL WHERE id = 999");

        var (migration, events) = await MigrationRun.RunAsync(Server.Client, Request(source, target));

        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        var items = migration.Tables.Single(t => t.Table == "public.items");
        Assert.Equal(1997, items.RowsCopied);
        Assert.Equal(3, items.RowsQuarantined);
        Assert.Equal(2000, items.RowsCopied + items.RowsQuarantined);
        var check = migration.Validation.Tables.Single(t => t.Table == "public.items");
        Assert.Equal(3, check.QuarantinedRows);
        Assert.Equal(1997, check.SourceRows);
        Assert.Equal(check.SourceChecksum, check.TargetChecksum);
        Assert.Equal(0, migration.Tables.Single(t => t.Table == "public.notes").RowsQuarantined);
        Assert.Equal(500, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM notes"));
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items WHERE id IN (17, 999, 1234)"));
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.Warning && e.Warning.Message.Contains("set aside for review", StringComparison.Ordinal));

        var listed = await new QuarantineService.QuarantineServiceClient(Server.Channel)
            .ListQuarantinedRowsAsync(new ListQuarantinedRowsRequest { MigrationId = migration.Id, PageSize = 2 });
        Assert.Equal(3, listed.Counts["public.items"]);
        Assert.Equal(2, listed.Rows.Count);
        var rest = await new QuarantineService.QuarantineServiceClient(Server.Channel)
            .ListQuarantinedRowsAsync(new ListQuarantinedRowsRequest { MigrationId = migration.Id, PageToken = listed.NextPageToken });
        var rows = listed.Rows.Concat(rest.Rows).ToList();
        Assert.Equal(["17", "999", "1234"], rows.Select(r => r.SourceKey.Single()).Order(StringComparer.Ordinal).OrderBy(k => k.Length));
        Assert.Equal(2, rows.Count(r => r.SqlState == "23514" && r.Constraint == "qty_positive"));
        Assert.Single(rows, r => r.SqlState == "23502" && r.Column == "label");
        Assert.Empty(rest.NextPageToken);
    }

    [Fact]
    public async Task Run_BudgetExceeded_StopsWithADecision_SkipCompletes()
    {
        var (source, target) = await DatabasesAsync("e2e_q_skip", badIds: [5, 300, 600, 900, 1200, 1500]);

        var (migration, events) = await MigrationRun.RunAsync(Server.Client, Request(source, target));

        Assert.Equal(MigrationPhase.Failed, migration.Phase);
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.Error && e.Error.EscalationLevel == 3 && e.Error.SqlState == "23514");
        var guidance = new GuidanceService.GuidanceServiceClient(Server.Channel);
        var card = (await guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = migration.Id })).Decisions.Single();
        Assert.Equal(DecisionGate.MigrationError, card.Gate);
        Assert.Equal("23514", card.Error.SqlState);
        Assert.Equal("qty_positive", card.Error.Constraint);
        Assert.InRange(card.Error.AffectedRecords, 4, 6); // the page that went over the budget may hold two bad rows
        Assert.Equal(["skip", "resume", "rollback-retry", "cancel"], card.Decision.Options.Select(o => o.Id));
        Assert.True(card.Decision.Options[0].Recommended);
        var committed = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items");

        await guidance.AnswerDecisionAsync(new AnswerDecisionRequest
        {
            MigrationId = migration.Id, DecisionId = card.Decision.Id, OptionId = "skip", AnsweredBy = "tests", Reason = "fix them later",
        });
        await MigrationRun.WatchToEndAsync(Server.Client, migration.Id, events[^1].Sequence, TimeSpan.FromMinutes(2));
        var done = (await Server.Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = migration.Id })).Migration;

        Assert.True(done.Phase == MigrationPhase.Completed, $"phase {done.Phase}: {done.ErrorMessage}");
        Assert.True(done.Validation.Passed, done.Validation.Summary);
        Assert.True(committed < 1994, $"the budget stopped the copy before the end ({committed} rows)");
        Assert.Equal(1994, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.Equal(1994, await PostgresServer.ScalarAsync<long>(target, "SELECT count(DISTINCT id) FROM items"));
        Assert.Equal(6, done.Tables.Single(t => t.Table == "public.items").RowsQuarantined);
        Assert.Equal(6, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(DISTINCT row_key) FROM migration_control.quarantine WHERE migration_id = '{migration.Id}'"));
        var history = await guidance.GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = migration.Id });
        Assert.Contains(history.Decisions, e => e.Answer == "skip" && e.DecidedBy == "tests");
    }

    [Fact]
    public async Task Run_BudgetExceeded_AnswerCancel_StopsSafely()
    {
        var (source, target) = await DatabasesAsync("e2e_q_cancel", badIds: [5, 300, 600, 900, 1200]);

        var (migration, events) = await MigrationRun.RunAsync(Server.Client, Request(source, target));
        Assert.Equal(MigrationPhase.Failed, migration.Phase);
        var guidance = new GuidanceService.GuidanceServiceClient(Server.Channel);
        var card = (await guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = migration.Id })).Decisions.Single();
        var committed = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items");
        var checkpoint = await PostgresServer.ScalarAsync<long>(target,
            $"SELECT coalesce(sum(rows_copied), 0) FROM migration_control.checkpoints WHERE migration_id = '{migration.Id}' AND table_name = 'public.items'");

        var answer = await guidance.AnswerDecisionAsync(new AnswerDecisionRequest
        {
            MigrationId = migration.Id, DecisionId = card.Decision.Id, OptionId = "cancel", AnsweredBy = "tests",
        });

        Assert.Equal(MigrationPhase.Cancelled, answer.Migration.Phase);
        Assert.Equal(checkpoint, committed);
        Assert.Equal(committed, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.Empty((await guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = migration.Id })).Decisions);
    }

    private static CreateMigrationRequest Request(string source, string target) =>
        MigrationRun.Request(source, target, o => o.Batch = new BatchSettings { BaseBatchSize = 250, MinBatchSize = 50, MaxBatchSize = 250 });

    private async Task<(string Source, string Target)> DatabasesAsync(string prefix, long[] badIds)
    {
        var source = await postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await postgres.CreateDatabaseAsync(prefix + "_tgt");
        await PostgresServer.ExecuteAsync(source,
            $"""
            CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL, label text);
            INSERT INTO items SELECT g, CASE WHEN g IN ({string.Join(", ", badIds)}) THEN -1 ELSE g % 9 + 1 END, 'item ' || g FROM generate_series(1, 2000) g;
            CREATE TABLE notes (id bigint PRIMARY KEY, body text);
            INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 500) g;
            ANALYZE;
            """);
        await PostgresServer.ExecuteAsync(target, TargetSchema);
        return (source, target);
    }
}
