using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Security;

/// <summary>
/// "Safely returning to the previous state" asked for in the chat, on a server with authentication on: proposed first
/// in plain words, refused for a caller without the admin role (nothing changes), carried out for an admin by the
/// orchestrator's verified rollback (created tables gone, existing ones back as they were, the source untouched), and
/// both attempts in the audit trail.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class RollbackChatTests(SecuredGuidanceServer secured) : IClassFixture<SecuredGuidanceServer>
{
    private const string SourceSql = """
        CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, 30) g;
        CREATE TABLE notes (id int PRIMARY KEY, region_id int NOT NULL REFERENCES regions (id), body text);
        INSERT INTO notes SELECT g, 1 + g % 30, 'note ' || g FROM generate_series(1, 500) g;
        ANALYZE;
        """;

    /// <summary>The target already has an (empty) regions table, and a table of its own the migration knows nothing about.</summary>
    private const string TargetSql = """
        CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE kept (id int PRIMARY KEY, body text);
        INSERT INTO kept VALUES (1, 'mine'), (2, 'also mine'), (3, 'still mine');
        """;

    [Fact]
    public async Task Ask_RollbackByNonAdminThenAdmin_RefusedThenRolledBackVerifiedAndBothAudited()
    {
        var source = await secured.Postgres.CreateDatabaseAsync("rb_chat_src");
        await PostgresServer.ExecuteAsync(source, SourceSql);
        var target = await secured.Postgres.CreateDatabaseAsync("rb_chat_tgt");
        await PostgresServer.ExecuteAsync(target, TargetSql);
        var admin = secured.Migrations("admin");
        var id = (await admin.CreateMigrationAsync(Runs.Request(source, target))).Migration.Id;
        await admin.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
        await Runs.WatchToEndAsync(admin, id);
        Assert.Equal(MigrationPhase.Completed, (await admin.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);
        var sourceBefore = await PostgresServer.ScalarAsync<string>(source, "SELECT md5(string_agg(n::text, ',' ORDER BY id)) FROM notes n");

        // Every role but admin: proposed (asking is open to all), refused on "yes", nothing changes.
        var other = new Chat(secured.Guidance("operator+approver"), id);
        var otherProposal = await other.AskAsync("roll it back");
        var refused = await other.AskAsync("yes");

        Assert.Equal(GuidanceAction.Rollback, otherProposal.PendingAction.Action);
        Assert.False(refused.Action.Succeeded);
        Assert.Equal(GuidanceAction.Rollback, refused.Action.Action);
        Assert.Contains("admin", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", refused.Text, StringComparison.Ordinal);
        Assert.Equal(MigrationPhase.Completed, (await admin.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);
        Assert.Equal(500L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM notes"));
        Assert.Equal(30L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM regions"));

        // The admin: proposed in plain words, confirmed, done by the orchestrator's verified rollback.
        var chat = new Chat(secured.Guidance("admin"), id);
        var proposal = await chat.AskAsync("undo the migration");
        var done = await chat.AskAsync("yes");

        Assert.Equal("rollback", proposal.Intent);
        Assert.Equal(GuidanceAction.Rollback, proposal.PendingAction.Action);
        Assert.Contains("safely returning to the previous state", proposal.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("the 530 records copied so far", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("the tables it created there (notes)", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("that was already there (regions)", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("source database is not touched", proposal.Text, StringComparison.Ordinal);
        Assert.Contains("Reply \"yes\"", proposal.Text, StringComparison.Ordinal);
        Assert.True(done.Action.Succeeded, done.Text);
        Assert.Contains("Removed 530 records", done.Text, StringComparison.Ordinal);
        Assert.Contains("source database was not touched", done.Text, StringComparison.Ordinal);
        Assert.Equal(MigrationPhase.RolledBack, done.Action.Migration.Phase);
        var migration = (await admin.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.RolledBack, migration.Phase);
        Assert.False(await PostgresServer.ScalarAsync<bool>(target, "SELECT to_regclass('public.notes') IS NOT NULL"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM regions"));
        Assert.Equal(3L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM kept"));
        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM migration_control.checkpoints WHERE migration_id = '{id}'"));
        Assert.Equal(sourceBefore, await PostgresServer.ScalarAsync<string>(source, "SELECT md5(string_agg(n::text, ',' ORDER BY id)) FROM notes n"));
        Assert.Equal(30L, await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM regions"));

        // Recorded: the decision history says who rolled it back, the audit trail has both attempts with their outcome.
        var history = (await secured.Guidance("viewer").GetDecisionHistoryAsync(new GetDecisionHistoryRequest { MigrationId = id })).Decisions;
        Assert.Contains(history, d => d.Answer == "rolled back" && d.DecidedBy == SecuredGuidanceServer.Actor("admin"));
        var audit = (await secured.Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id })).Records
            .Where(r => r.Action == "chat:Rollback").ToList();
        Assert.Contains(audit, r => r.Actor == SecuredGuidanceServer.Actor("operator+approver") && r.Outcome == "PermissionDenied");
        Assert.Contains(audit, r => r.Actor == SecuredGuidanceServer.Actor("admin") && r.Outcome == "OK" && r.Detail.Contains("Removed 530 records", StringComparison.Ordinal));
        Assert.Equal(2, audit.Count);

        // Asked again: it says it is already done and proposes nothing.
        var again = await chat.AskAsync("put everything back as it was");
        Assert.Null(again.PendingAction);
        Assert.Contains("already been safely returned to the previous state", again.Text, StringComparison.Ordinal);
    }
}
