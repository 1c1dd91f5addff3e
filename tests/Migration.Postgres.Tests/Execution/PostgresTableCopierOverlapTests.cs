using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Testing;

namespace Migration.Postgres.Tests.Execution;

/// <summary>
/// The failover case of a cluster, forced: the same key range copied by two workers at the same time (a range unit
/// reactivated on a survivor while its first activation still runs). Each page locks the range and re-reads its
/// checkpoint inside its own transaction, so the two copies take turns page by page and every row lands exactly once.
/// The same holds for the heap block ranges of a table without a key.
/// </summary>
[Collection("postgres")]
public sealed class PostgresTableCopierOverlapTests(PostgresServer server) : CopierTestBase
{
    private static readonly TimeSpan OverlapTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyRangeAsync_SameRangeTwiceAtOnce_EveryRowExactlyOnce(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_overlap");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE items (id bigint PRIMARY KEY, label text);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 6000) g;
            ANALYZE items;
            """);
        // No key on the target: a page committed twice would show as duplicate rows instead of failing.
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE items (id bigint, label text)");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, ["id"]) with { EstimatedRows = 6000 };
        var request = CopyTestKit.Request("overlap", source, target, plan) with { Parallelism = 2 };

        var ranges = await Copier.PrepareRangesAsync(request);
        Assert.True(ranges.Count >= 2, $"cut into {ranges.Count} range(s)");
        Assert.Equal(Enumerable.Range(0, ranges.Count), ranges.Select(r => r.Number));
        Assert.All(ranges, r => Assert.False(r.Completed));

        // Two copies of each range; each waits after its first committed page until its twin has committed one too,
        // so both are inside the range at the same time (neither can finish it alone first).
        var copies = new List<Task<(int Range, long Rows, int Pages)>>();
        foreach (var range in ranges)
        {
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            copies.Add(CopyAsync(request, range.Number, first, second));
            copies.Add(CopyAsync(request, range.Number, second, first));
        }

        var results = await Task.WhenAll(copies);

        Assert.All(results, r => Assert.True(r.Pages >= 1, $"a copy of range {r.Range} committed no page: no overlap"));
        Assert.Equal(6000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.Equal(6000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(DISTINCT id) FROM items"));
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
        // The rows both copies of a range committed add up to the range: no page was committed by both.
        foreach (var group in results.GroupBy(r => r.Range))
        {
            var recorded = (await Copier.PrepareRangesAsync(request)).Single(r => r.Number == group.Key);
            Assert.True(recorded.Completed);
            Assert.Equal(recorded.RowsCopied, group.Sum(r => r.Rows));
            Assert.Equal(recorded.Batches, group.Sum(r => r.Pages));
        }
    }

    [Fact]
    public async Task CopyRangeAsync_SameBlockRangeTwiceAtOnce_EveryRowExactlyOnce()
    {
        // A table without any key: cut into heap block ranges (ctid), each range copied by two workers at once.
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_overlap_ctid");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE events (kind text, payload text);
            INSERT INTO events SELECT 'kind ' || (g % 5), repeat('x', g % 40) || g FROM generate_series(1, 6000) g;
            INSERT INTO events SELECT kind, payload FROM events WHERE payload LIKE '%7';
            ANALYZE events;
            """);
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE events (kind text, payload text)");
        var rows = await PostgresServer.ScalarAsync<long>(source, "SELECT count(*) FROM events");
        var plan = await CopyTestKit.PlanAsync(source, "events", WritePath.PassThrough, []) with { EstimatedRows = rows };
        var request = CopyTestKit.Request("overlap_ctid", source, target, plan) with { Parallelism = 2 };

        var ranges = await Copier.PrepareRangesAsync(request);
        Assert.True(ranges.Count >= 2, $"cut into {ranges.Count} range(s)");
        Assert.Equal(Enumerable.Range(0, ranges.Count), ranges.Select(r => r.Number));

        var copies = new List<Task<(int Range, long Rows, int Pages)>>();
        foreach (var range in ranges)
        {
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            copies.Add(CopyAsync(request, range.Number, first, second));
            copies.Add(CopyAsync(request, range.Number, second, first));
        }

        var results = await Task.WhenAll(copies);

        Assert.All(results, r => Assert.True(r.Pages >= 1, $"a copy of range {r.Range} committed no page: no overlap"));
        // The source holds duplicate rows on purpose: the digest compares every row, duplicates included.
        Assert.Equal(await CopyTestKit.DigestAsync(source, "events"), await CopyTestKit.DigestAsync(target, "events"));
        var recorded = await Copier.PrepareRangesAsync(request);
        foreach (var group in results.GroupBy(r => r.Range))
        {
            var range = recorded.Single(r => r.Number == group.Key);
            Assert.True(range.Completed);
            Assert.Equal(range.RowsCopied, group.Sum(r => r.Rows));
            Assert.Equal(range.Batches, group.Sum(r => r.Pages));
        }

        Assert.Equal(rows, recorded.Sum(r => r.RowsCopied));
    }

    private async Task<(int Range, long Rows, int Pages)> CopyAsync(TableCopyRequest request, int range, TaskCompletionSource mine, TaskCompletionSource twin)
    {
        long rows = 0;
        var pages = 0;
        await Task.Yield();
        await Copier.CopyRangeAsync(request, range, async (batch, _) =>
        {
            rows += batch.Rows;
            pages++;
            if (mine.TrySetResult())
            {
                await twin.Task.WaitAsync(OverlapTimeout);
            }
        });
        return (range, rows, pages);
    }
}
