using System.Diagnostics;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Testing;
using Xunit.Abstractions;

namespace Migration.Resilience.Tests;

/// <summary>
/// Faults of the processes around a running migration, against real processes: the target or the source PostgreSQL
/// restarted (<c>pg_ctl restart -m fast</c> on a cluster of the test's own), the Redis server restarted, the network
/// to the target cut several times (a TCP proxy that resets every connection), and the server killed (kill -9) while
/// it validates. Each fault is placed by awaiting a condition (rows committed in the target, the phase), and each
/// test ends with the migration completed and validated, no row lost, none duplicated, identical content checksums.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class ProcessFaultTests(PostgresServer postgres, SharedServer shared, ITestOutputHelper output) : IClassFixture<SharedServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private const int Accounts = 24_000;
    private const int Ledger = 8_000;

    [Fact]
    public async Task TargetRestart_MidCopy_HealsAndCompletesExactlyOnce()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var scenario = await Scenario.CreateAsync(await postgres.CreateDatabaseAsync("tgtrestart_src"), await cluster.CreateDatabaseAsync("tgtrestart_tgt"), Accounts, Ledger);
        await using var proxy = TcpProxy.Start(cluster.Port);
        var server = shared.Server;

        await RunWithFaultAsync(server, scenario, total => RestartMidCopyAsync(scenario, cluster, proxy, total), target: proxy.Route(scenario.Target));
    }

    [Fact]
    public async Task SourceRestart_MidCopy_HealsAndCompletesExactlyOnce()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var scenario = await Scenario.CreateAsync(await cluster.CreateDatabaseAsync("srcrestart_src"), await postgres.CreateDatabaseAsync("srcrestart_tgt"), Accounts, Ledger);
        await using var proxy = TcpProxy.Start(cluster.Port);
        var server = shared.Server;

        await RunWithFaultAsync(server, scenario, total => RestartMidCopyAsync(scenario, cluster, proxy, total), source: proxy.Route(scenario.Source));
    }

    [Fact]
    public async Task RedisRestart_MidCopy_CompletesExactlyOnceWithHistoryIntact()
    {
        await using var redis = await RedisProcess.StartAsync();
        var scenario = await Scenario.CreateAsync(postgres, "redisrestart", Accounts, Ledger);
        var options = new ServerProcessOptions();
        options.Environment["Redis__ConnectionString"] = redis.ConnectionString;
        options.Environment["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
        await using var server = await ServerProcess.StartAsync(options);

        var id = await RunWithFaultAsync(server, scenario, async total =>
        {
            await WaitForRowsAsync(scenario, total / 4);
            await redis.RestartAsync();
        });

        // What was written before the restart is still there: the whole event history from the first event on.
        using var channel = GrpcChannel.ForAddress(server.Address);
        var migration = (await Scenario.Client(channel).GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        using var watch = Scenario.Client(channel).WatchMigration(new WatchMigrationRequest { MigrationId = id, AfterSequence = 0 });
        var sequences = new List<long>();
        while (sequences.Count == 0 || sequences[^1] < migration.LastEventSequence)
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None), "the event stream ended early");
            sequences.Add(watch.ResponseStream.Current.Sequence);
        }

        Assert.Equal(1L, sequences[0]);
        Assert.True(sequences.Zip(sequences.Skip(1)).All(p => p.First < p.Second), "event sequences out of order");
    }

    [Fact]
    public async Task ProxyDropsTargetConnections_ThreeTimesMidRun_CompletesExactlyOnce()
    {
        var scenario = await Scenario.CreateAsync(postgres, "proxydrop", Accounts, Ledger);
        await using var proxy = TcpProxy.Start(new Npgsql.NpgsqlConnectionStringBuilder(scenario.Target).Port);
        var server = shared.Server;

        var drops = new List<int>();
        await RunWithFaultAsync(server, scenario, async total =>
        {
            foreach (var share in new[] { 0.2, 0.45, 0.7 })
            {
                await WaitForRowsAsync(scenario, (long)(total * share));
                await WaitFor.ConditionAsync(() => Task.FromResult(proxy.Open > 0), Timeout, "a connection through the proxy");
                drops.Add(proxy.DropAll());
            }
        }, target: proxy.Route(scenario.Target));

        Assert.All(drops, dropped => Assert.True(dropped > 0, "no connection was open to drop"));
    }

    [Fact]
    public async Task KillNine_DuringValidation_RestartValidatesAgainAndPasses()
    {
        var scenario = await Scenario.CreateAsync(postgres, "killvalidate", accounts: 12_000, ledger: 4_000);
        // The source behind a proxy: once every row is copied the proxy holds the source's answers, so the
        // validation (the only reader of the source after the copy) is still running when the server is killed.
        await using var proxy = TcpProxy.Start(new Npgsql.NpgsqlConnectionStringBuilder(scenario.Source).Port);
        var server = shared.Server; // killed and restarted on its data directory; the other tests use it afterwards
        // A session holds regions in ROW EXCLUSIVE mode: the copy's inserts go on beside it, but the finishing
        // steps (its foreign key from accounts needs SHARE ROW EXCLUSIVE) wait, so the validation cannot start
        // before the proxy holds the source still.
        await using var blocker = new Npgsql.NpgsqlConnection(scenario.Target);
        await blocker.OpenAsync();
        await using var hold = await blocker.BeginTransactionAsync();
        await using (var lockRegions = new Npgsql.NpgsqlCommand("LOCK TABLE regions IN ROW EXCLUSIVE MODE", blocker, hold))
        {
            await lockRegions.ExecuteNonQueryAsync();
        }

        using (var channel = GrpcChannel.ForAddress(server.Address))
        {
            var client = Scenario.Client(channel);
            var id = await Scenario.CreateAsync(client, Scenario.Request(proxy.Route(scenario.Source), scenario.Target, pageSize: 1000, streams: 2));
            await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
            await WaitFor.ConditionAsync(() => Faults.TablesCompletedAsync(scenario.Target), n => n == 4, Timeout, "every table copied");
            proxy.Stall();
            await hold.CommitAsync();
            var phase = await WaitFor.ConditionAsync(
                async () => (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase,
                p => p is MigrationPhase.Validation or MigrationPhase.Completed or MigrationPhase.Failed,
                Timeout,
                "the validation");
            Assert.Equal(MigrationPhase.Validation, phase);
            var clock = Stopwatch.StartNew();
            await server.KillAsync();
            proxy.Resume();
            await server.RestartAsync();
            output.WriteLine($"killed while validating; restarted in {clock.ElapsedMilliseconds} ms");

            using var after = GrpcChannel.ForAddress(server.Address);
            var end = await Scenario.WaitForEndAsync(Scenario.Client(after), id, Timeout);
            Assert.True(end.Phase == MigrationPhase.Completed, $"{end.Phase}: {end.ErrorMessage}\n{server.Tail()}");
            Assert.True(end.Validation.Passed, end.Validation.Summary);
            output.WriteLine($"validated and completed {clock.ElapsedMilliseconds} ms after the kill");
        }

        Assert.Equal((0L, 0L, true), await scenario.CompareAsync());
    }

    /// <summary>
    /// Creates and starts the migration (small pages, two streams), runs <paramref name="fault"/> (given the rows to
    /// copy) while it copies, and checks the end: completed, validated, nothing lost or duplicated.
    /// </summary>
    private async Task<string> RunWithFaultAsync(ServerProcess server, Scenario scenario, Func<long, Task> fault, string? source = null, string? target = null)
    {
        var total = await scenario.SourceRowsAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = Scenario.Client(channel);
        var id = await Scenario.CreateAsync(client, Scenario.Request(source ?? scenario.Source, target ?? scenario.Target, pageSize: 400, streams: 2));
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
        var clock = Stopwatch.StartNew();
        await fault(total);
        output.WriteLine($"fault injected {clock.ElapsedMilliseconds} ms after the start");
        var end = await Scenario.WaitForEndAsync(client, id, Timeout);
        output.WriteLine($"completed {clock.ElapsedMilliseconds} ms after the start; the server logged " +
            $"{Count(server.Output, "transient")} transient failures retried, {Count(server.Output, "Resuming ")} resumes");
        Assert.True(end.Phase == MigrationPhase.Completed, $"{end.Phase}: {end.ErrorMessage}\n{server.Tail()}");
        Assert.True(end.Validation.Passed, end.Validation.Summary);
        Assert.Equal(total, end.RowsCopied);
        Assert.Equal((0L, 0L, true), await scenario.CompareAsync());
        return id;
    }

    /// <summary>
    /// Once a quarter of the rows are in, the proxy between the server and the cluster holds every connection still,
    /// so the restart lands in the middle of the copy whatever the machine's speed; then the cluster restarts
    /// (every session terminated) and the proxy forwards again: the server finds its connections gone.
    /// </summary>
    private static async Task RestartMidCopyAsync(Scenario scenario, PostgresCluster cluster, TcpProxy proxy, long total)
    {
        await WaitForRowsAsync(scenario, total / 4);
        proxy.Stall();
        var committed = await Faults.RowsCommittedAsync(scenario.Target);
        Assert.True(committed < total, $"the copy ended ({committed} of {total} rows) before the fault");
        await cluster.RestartAsync();
        proxy.Resume();
    }

    private static Task<long> WaitForRowsAsync(Scenario scenario, long rows) =>
        WaitFor.ConditionAsync(() => Faults.RowsCommittedAsync(scenario.Target), r => r >= rows, Timeout, $"{rows} rows committed");

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.OrdinalIgnoreCase))
        {
            count++;
        }

        return count;
    }
}
