using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Execution;
using Migration.Testing;

namespace Migration.Postgres.Tests.Execution;

[Collection("postgres")]
public sealed class PostgresTableCopierResumeTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough, true)]
    [InlineData(WritePath.Mapped, true)]
    [InlineData(WritePath.PassThrough, false)]
    public async Task CopyAsync_CancelledMidTableThenRunAgain_ResumesWithoutDuplicatesOrGaps(WritePath path, bool keyed)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_resume");
        var ddl = keyed ? "CREATE TABLE items (id int PRIMARY KEY, label text)" : "CREATE TABLE items (id int, label text)";
        await CopyTestKit.ExecuteBothAsync(source, target, ddl);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 2000) g; ANALYZE items");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, keyed ? ["id"] : []);
        var request = CopyTestKit.Request("resume", source, target, plan);

        using var cts = new CancellationTokenSource();
        var firstRun = new List<BatchResult>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Copier.CopyAsync(request, (batch, _) =>
        {
            firstRun.Add(batch);
            if (firstRun.Count == 3)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        }, cts.Token));

        var copiedBefore = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items");
        Assert.Equal(firstRun.Sum(b => (long)b.Rows), copiedBefore);
        Assert.True(copiedBefore is > 0 and < 2000, $"the first run should stop mid-table, copied {copiedBefore}");

        var secondRun = new List<BatchResult>();
        var result = await Copier.CopyAsync(request, CopyTestKit.Collect(secondRun));

        Assert.Equal(2000, result.RowsCopied);
        Assert.Equal(2000 - copiedBefore, secondRun.Sum(b => (long)b.Rows));
        Assert.Equal($"public.items#{firstRun.Count + 1}", secondRun[0].BatchId);
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) - count(DISTINCT id) FROM items"));
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));

        // A third run finds the completed checkpoint and copies nothing.
        var thirdRun = new List<BatchResult>();
        var again = await Copier.CopyAsync(request, CopyTestKit.Collect(thirdRun));
        Assert.Empty(thirdRun);
        Assert.Equal(2000, again.RowsCopied);
        Assert.Equal(2000, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
    }

    [Theory]
    [InlineData(WritePath.PassThrough, true)]
    [InlineData(WritePath.Mapped, true)]
    [InlineData(WritePath.Mapped, false)]
    public async Task CopyAsync_TwoConcurrentRunsOfOneTable_CopyEveryPageExactlyOnce(WritePath path, bool keyed)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_twice");
        var ddl = keyed ? "CREATE TABLE items (id int PRIMARY KEY, label text)" : "CREATE TABLE items (id int, label text)";
        await CopyTestKit.ExecuteBothAsync(source, target, ddl);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, repeat('x', g % 50) FROM generate_series(1, 3000) g; ANALYZE items");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, keyed ? ["id"] : []);
        var request = CopyTestKit.Request("twice", source, target, plan);
        var batches = new List<BatchResult>();

        var results = await Task.WhenAll(
            Task.Run(() => Copier.CopyAsync(request, CopyTestKit.Collect(batches))),
            Task.Run(() => Copier.CopyAsync(request, CopyTestKit.Collect(batches))));

        Assert.All(results, r => Assert.Equal(3000, r.RowsCopied));
        Assert.Equal(3000, batches.Sum(b => (long)b.Rows));
        Assert.Equal(batches.Count, batches.Select(b => b.BatchId).Distinct().Count());
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }
}
