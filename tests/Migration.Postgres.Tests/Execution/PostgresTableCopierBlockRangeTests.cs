using System.Globalization;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Execution;

/// <summary>
/// A large table without a usable key cut into heap block ranges (ctid) copied as separate units, each with its own
/// checkpoint; and the quarantined rows of a ranged table counted per range.
/// </summary>
[Collection("postgres")]
public sealed class PostgresTableCopierBlockRangeTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyRangeAsync_KeylessTableThreeStreams_EachRangeCopiesItsBlocksOnce(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_blocks");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE readings (sensor int, value numeric, note text)");
        await PostgresServer.ExecuteAsync(source,
            "INSERT INTO readings SELECT g % 13, g / 7.0, 'note ' || g FROM generate_series(1, 5000) g; ANALYZE readings");
        var plan = await CopyTestKit.PlanAsync(source, "readings", path, []) with { EstimatedRows = 5000 };
        var request = CopyTestKit.Request("blocks", source, target, plan) with { Parallelism = 3 };

        // Three streams, two ranges each (5,000 rows hold two 400-row pages per range, not more).
        var ranges = await Copier.PrepareRangesAsync(request);
        Assert.Equal([0, 1, 2, 3, 4, 5], ranges.Select(r => r.Number));
        var blocks = await PostgresServer.ScalarAsync<long>(source, "SELECT pg_relation_size('readings') / current_setting('block_size')::bigint");
        var cut = await CutAsync(target, "blocks");
        // Block ends (exclusive) in order; each range's first checkpoint is the block the previous range ends before.
        Assert.Equal(6, cut.Count);
        Assert.Null(cut[0].Start);
        Assert.Null(cut[^1].End);
        long previous = 0;
        for (var i = 1; i < cut.Count; i++)
        {
            Assert.Equal(cut[i - 1].End, cut[i].Start);
            var end = cut[i].End is { } e ? long.Parse(e, CultureInfo.InvariantCulture) : blocks;
            Assert.InRange(long.Parse(cut[i].Start!, CultureInfo.InvariantCulture), previous + 1, end - 1);
            previous = long.Parse(cut[i].Start!, CultureInfo.InvariantCulture);
        }

        // The ranges one after the other, the last first: each copies only its own blocks.
        var results = new List<RangeCopyResult>();
        foreach (var number in new[] { 5, 0, 1, 2, 3, 4 })
        {
            var batches = new List<BatchResult>();
            results.Add(await Copier.CopyRangeAsync(request, number, CopyTestKit.Collect(batches)));
            Assert.All(batches, b => Assert.StartsWith($"public.readings#{number}.", b.BatchId, StringComparison.Ordinal));
        }

        Assert.All(results, r => Assert.True(r.RowsCopied > 0, $"range {r.Range} copied no row"));
        Assert.Equal(5000, results.Sum(r => r.RowsCopied));
        Assert.Equal(await CopyTestKit.DigestAsync(source, "readings"), await CopyTestKit.DigestAsync(target, "readings"));
        Assert.All(await Copier.PrepareRangesAsync(request), r => Assert.True(r.Completed));

        // A range run again after it completed copies nothing.
        var again = await Copier.CopyRangeAsync(request, 1, CopyTestKit.Collect([]));
        Assert.Equal(results.Single(r => r.Range == 1).RowsCopied, again.RowsCopied);
        Assert.Equal(5000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM readings"));
    }

    [Fact]
    public async Task CopyRangeAsync_BadRowsInEveryKeyRange_EachRangeCountsOnlyItsOwnQuarantinedRows()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ranges_quarantine");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, qty int)");
        await PostgresServer.ExecuteAsync(target, "ALTER TABLE items ADD CONSTRAINT qty_positive CHECK (qty > 0)");
        await PostgresServer.ExecuteAsync(source, """
            INSERT INTO items SELECT g, g % 5 + 1 FROM generate_series(1, 4000) g;
            UPDATE items SET qty = -1 WHERE id IN (10, 1500, 2600, 3999);
            ANALYZE items;
            """);
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]) with { EstimatedRows = 4000 };
        var request = CopyTestKit.Request("ranges_quarantine", source, target, plan) with { Parallelism = 2 };

        var ranges = await Copier.PrepareRangesAsync(request);
        Assert.Equal([0, 1, 2, 3], ranges.Select(r => r.Number));
        var copied = new List<RangeCopyResult>();
        foreach (var range in ranges)
        {
            copied.Add(await Copier.CopyRangeAsync(request, range.Number, CopyTestKit.Collect([])));
        }

        // Keys 1..1000, 1001..2000, 2001..3000 and 3001..4000: one bad row in each.
        Assert.All(copied, r => Assert.Equal(1, r.RowsQuarantined));
        Assert.Equal(3996, copied.Sum(r => r.RowsCopied));
        Assert.Equal(4L, await PostgresServer.ScalarAsync<long>(target,
            $"SELECT count(*) FROM {CopyTestKit.ControlSchema}.quarantine WHERE migration_id = 'ranges_quarantine'"));
    }

    private static async Task<List<(string? Start, string? End)>> CutAsync(string target, string migrationId)
    {
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT last_key[1], range_end[1] FROM {CopyTestKit.ControlSchema}.checkpoints WHERE migration_id = $1 ORDER BY chunk", connection);
        command.Parameters.AddWithValue(migrationId);
        await using var reader = await command.ExecuteReaderAsync();
        var cut = new List<(string?, string?)>();
        while (await reader.ReadAsync())
        {
            cut.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return cut;
    }
}
