using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Execution;

/// <summary>
/// A large table cut into key ranges copied side by side, each with its own checkpoint: at the key's histogram
/// quantiles (about equal rows whatever gaps the keys have), or in equal key widths without statistics.
/// </summary>
[Collection("postgres")]
public sealed class PostgresTableCopierRangeTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_ParallelismTwo_CopiesRangesOfAtLeastTwoPagesWithTheirOwnCheckpoints(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, label text)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g; ANALYZE items");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, ["id"]) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("ranges", source, target, plan) with { Parallelism = 2 };
        var batches = new List<BatchResult>();

        var result = await Copier.CopyAsync(request, CopyTestKit.Collect(batches));

        Assert.Equal(5000, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
        Assert.Contains(batches, b => b.BatchId.StartsWith("public.items#0.", StringComparison.Ordinal));
        Assert.Contains(batches, b => b.BatchId.StartsWith("public.items#1.", StringComparison.Ordinal));
        Assert.Contains(batches, b => b.BatchId.StartsWith("public.items#5.", StringComparison.Ordinal));
        Assert.Equal(5000, batches[^1].TableRowsCopied);
        Assert.Equal(batches.Count, batches[^1].BatchesCompleted);
        Assert.Equal(batches.Select(b => b.TableRowsCopied).Order(), batches.Select(b => b.TableRowsCopied)); // totals only grow
        var ranges = await RangesAsync(target, "ranges");
        // Two streams would take up to eight ranges, but 5,000 rows hold only six of two 400-row pages (three per
        // stream), cut at the key's histogram: each holds a sixth of the rows, within the histogram's 1% buckets.
        Assert.Equal([0, 1, 2, 3, 4, 5], ranges.Select(r => r.Chunk));
        Assert.All(ranges, r => Assert.InRange(r.Rows, 5000 / 6 - 50, 5000 / 6 + 50));
        Assert.All(ranges, r => Assert.True(r.Completed));
        Assert.Null(ranges[^1].End);
    }

    [Fact]
    public async Task CopyAsync_RangesCutThenResumedWithOneStream_ContinuesTheSameRanges()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges_resume");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id integer PRIMARY KEY, label text)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(-999, 4000) g; ANALYZE items");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("ranges", source, target, plan) with { Parallelism = 3 };

        using var cts = new CancellationTokenSource();
        var firstRun = new List<BatchResult>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Copier.CopyAsync(request, (batch, _) =>
        {
            firstRun.Add(batch);
            if (firstRun.Count == 4)
            {
                cts.Cancel();
            }

            return Task.CompletedTask;
        }, cts.Token));
        var copiedBefore = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items");
        Assert.InRange(copiedBefore, 1, 4999);

        var secondRun = new List<BatchResult>();
        var result = await Copier.CopyAsync(request with { Parallelism = 1 }, CopyTestKit.Collect(secondRun));

        Assert.Equal(5000, result.RowsCopied);
        Assert.Equal(5000 - copiedBefore, secondRun.Sum(b => (long)b.Rows));
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
        var ranges = await RangesAsync(target, "ranges");
        Assert.Equal([0, 1, 2, 3, 4, 5], ranges.Select(r => r.Chunk)); // two ranges per stream, kept whatever the resumed run's streams
        Assert.All(ranges, r => Assert.True(r.Completed));
        Assert.Equal(5000, ranges.Sum(r => r.Rows));
    }

    [Fact]
    public async Task CopyAsync_KeysWithALargeGap_RangesCutFromTheHistogramHoldAboutEqualRows()
    {
        // 500 keys at the start, 4,500 a million keys further on: equal key widths would leave four of six ranges
        // empty and put 90% of the rows into the last one; the histogram's quantiles balance them.
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges_gap");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, label text)");
        await PostgresServer.ExecuteAsync(source, """
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1000001, 1004500) g;
            ANALYZE items;
            """);
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("ranges_gap", source, target, plan) with { Parallelism = 2 };

        var result = await Copier.CopyAsync(request, CopyTestKit.Collect([]));

        Assert.Equal(5000, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
        var ranges = await RangesAsync(target, "ranges_gap");
        Assert.Equal(6, ranges.Count);
        Assert.All(ranges, r => Assert.InRange(r.Rows, 5000 / 6 - 50, 5000 / 6 + 50));
    }

    [Fact]
    public async Task CopyAsync_NoStatistics_CutsEqualKeyWidths()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges_nostats");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, label text) WITH (autovacuum_enabled = false)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("ranges_nostats", source, target, plan) with { Parallelism = 2 };

        await Copier.CopyAsync(request, CopyTestKit.Collect([]));

        // Never analyzed, so no histogram: keys 1..5000 in six widths of 833, the last open-ended.
        Assert.Equal(
            [(0, "833", 833L, true), (1, "1666", 833L, true), (2, "2499", 833L, true), (3, "3332", 833L, true), (4, "4165", 833L, true), (5, (string?)null, 835L, true)],
            await RangesAsync(target, "ranges_nostats"));
    }

    [Fact]
    public async Task CopyAsync_OneRangeHitsBadData_SurfacesItsErrorAndKeepsCommittedPages()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges_fail");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, label text)");
        await PostgresServer.ExecuteAsync(target, "ALTER TABLE items ADD CONSTRAINT label_not_bad CHECK (label <> 'bad')");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, CASE WHEN g = 4500 THEN 'bad' ELSE 'item ' || g END FROM generate_series(1, 5000) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("ranges", source, target, plan) with { Parallelism = 2, ErrorBudget = ErrorBudget.IsolationOff };

        var error = await Assert.ThrowsAsync<PostgresException>(() => Copier.CopyAsync(request, CopyTestKit.Collect([])));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        var ranges = await RangesAsync(target, "ranges");
        Assert.False(ranges[^1].Completed); // the last range holds key 4500
        Assert.Equal(ranges.Sum(r => r.Rows), await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
    }

    private static async Task<List<(int Chunk, string? End, long Rows, bool Completed)>> RangesAsync(string target, string migrationId)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT chunk, range_end[1], rows_copied, completed FROM {CopyTestKit.ControlSchema}.checkpoints WHERE migration_id = $1 ORDER BY chunk", connection);
        command.Parameters.AddWithValue(migrationId);
        await using var reader = await command.ExecuteReaderAsync();
        var ranges = new List<(int, string?, long, bool)>();
        while (await reader.ReadAsync())
        {
            ranges.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3)));
        }

        return ranges;
    }
}
