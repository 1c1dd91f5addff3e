using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Rpc;

/// <summary>
/// "Which records had problems, and why?" on a run where the target really refused three rows (two break a check rule,
/// one lacks a required value): the answer names them by key, groups them by reason with counts, and every figure is
/// the one the control schema's quarantine holds.
/// </summary>
[Collection(GuidanceCollection.Name)]
public sealed class ProblemRecordsTests(GuidanceFixture fixture)
{
    private const string SourceSql = """
        CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL, label text);
        INSERT INTO items SELECT g, CASE WHEN g IN (17, 1234) THEN -1 ELSE g % 9 + 1 END, CASE WHEN g = 999 THEN NULL ELSE 'item ' || g END
            FROM generate_series(1, 2000) g;
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);
        INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 300) g;
        ANALYZE;
        """;

    private const string TargetSql = """
        CREATE TABLE items (id bigint PRIMARY KEY, qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0), label text NOT NULL);
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);
        """;

    [Fact]
    public async Task Ask_WhichRecordsAndWhy_ListsTheQuarantinedRowsByReasonWithTheirKeys()
    {
        var source = await SourceDatabase.CreateAsync(fixture.Postgres, "problems_src", SourceSql);
        var target = await SourceDatabase.CreateAsync(fixture.Postgres, "problems_tgt", TargetSql);
        var id = await Runs.RunToEndAsync(fixture.Migrations, source, target);
        var chat = new Chat(fixture.Guidance, id);

        var which = await chat.AskAsync("which records had problems and why?");
        var howMany = await new Chat(fixture.Guidance, id).AskAsync("how many rows were set aside?");
        var notes = await chat.AskAsync("and notes?");

        Assert.Equal("problems", which.Intent);
        Assert.StartsWith("3 record(s) were set aside: ", which.Text, StringComparison.Ordinal);
        Assert.Matches(@"2 in items because new row for relation ""items"" violates check constraint ""qty_positive"" \(keys (17; 1234|1234; 17)\)", which.Text);
        Assert.Contains("1 in items because null value in column \"label\" of relation \"items\" violates not-null constraint (key 999)", which.Text, StringComparison.Ordinal);
        Assert.Contains($"migration quarantine {id}", which.Text, StringComparison.Ordinal);
        Assert.Contains(which.Figures, f => f.Label == "records set aside" && f.Value == 3);
        Assert.Equal(["table", "reason", "records", "which (keys)"], which.Table.Columns);
        Assert.Equal(["items|2", "items|1|999"], which.Table.Rows.Select(r => r.Cells[2] == "2" ? $"{r.Cells[0]}|2" : string.Join("|", r.Cells[0], r.Cells[2], r.Cells[3])));
        Assert.Equal(["1234", "17"], which.Table.Rows[0].Cells[3].Split("; ").Order(StringComparer.Ordinal));
        Assert.Contains("the set-aside records in the target's control schema", which.Sources);
        Assert.StartsWith("3 record(s) were set aside", howMany.Text, StringComparison.Ordinal);
        Assert.Equal("problems", notes.Intent);
        Assert.StartsWith("No records of notes had problems", notes.Text, StringComparison.Ordinal);

        // Grounded: the same counts as the quarantine itself.
        Assert.Equal(2L, await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{id}' AND constraint_name = 'qty_positive'"));
        Assert.Equal(1997L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
    }
}
