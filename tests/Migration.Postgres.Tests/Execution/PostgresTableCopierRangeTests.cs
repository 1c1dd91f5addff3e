using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Execution;

/// <summary>A large table cut into key ranges copied side by side, each with its own checkpoint.</summary>
[Collection("postgres")]
public sealed class PostgresTableCopierRangeTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_ParallelismTwo_CopiesTwoRangesWithTheirOwnCheckpoints(WritePath path)
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
        Assert.Equal(5000, batches[^1].TableRowsCopied);
        Assert.Equal(batches.Count, batches[^1].BatchesCompleted);
        Assert.Equal(batches.Select(b => b.TableRowsCopied).Order(), batches.Select(b => b.TableRowsCopied)); // totals only grow
        var ranges = await RangesAsync(target, "ranges");
        Assert.Equal([(0, "2500", 2500L, true), (1, (string?)null, 2500L, true)], ranges);
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
        Assert.Equal([0, 1, 2], ranges.Select(r => r.Chunk));
        Assert.All(ranges, r => Assert.True(r.Completed));
        Assert.Equal(5000, ranges.Sum(r => r.Rows));
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
        Assert.False(ranges.Single(r => r.Chunk == 1).Completed);
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
