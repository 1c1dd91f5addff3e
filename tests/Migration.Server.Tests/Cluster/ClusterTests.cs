using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Xunit.Abstractions;

namespace Migration.Server.Tests.Cluster;

/// <summary>
/// Three real server processes on one Redis form one cluster (started once for these tests).
/// <list type="bullet">
/// <item>A large table's key ranges run as units spread over the servers; one server is killed (SIGKILL) mid-run; its
/// units are reactivated on the survivors and continue from their checkpoints in the target, and the migration
/// completes with identical content. Any server answers for the migration, and a watch opened on a survivor streams
/// the whole history, events appended by every process.</item>
/// <item>Many migrations at once, each created on one server, started and followed through the others: each target
/// ends with exactly its own source's rows.</item>
/// </list>
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class ClusterTests(PostgresServer postgres, ClusterFixture fixture, ITestOutputHelper output)
    : IClassFixture<ClusterFixture>
{
    private const int Accounts = 300_000;
    private const int Ledger = 30_000;
    private const int Ranges = 6;
    private const int Migrations = 10;
    private const int Customers = 300;
    private const int Orders = 900;


    [Fact]
    public async Task KillOneOfThreeServers_MidRun_SurvivorsFinishWithIdenticalContent()
    {
        var source = await postgres.CreateDatabaseAsync("cluster_src");
        var target = await postgres.CreateDatabaseAsync("cluster_tgt");
        await PostgresServer.ExecuteAsync(source, $"""
            CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2) NOT NULL);
            CREATE TABLE ledger (account_id bigint NOT NULL REFERENCES accounts (id), amount numeric(14,2), note text);
            INSERT INTO accounts SELECT g, 'owner ' || g, g % 1000 FROM generate_series(1, {Accounts}) g;
            INSERT INTO ledger SELECT 1 + g % {Accounts}, g % 97, 'entry ' || g FROM generate_series(1, {Ledger}) g;
            ANALYZE;
            """);

        var cluster = fixture.Cluster;
        var clients = cluster.Servers.Select(s => new MigrationService.MigrationServiceClient(GrpcChannel.ForAddress(s.Address))).ToList();

        // Created on one server, started through another: any instance serves any migration.
        var created = await clients[0].CreateMigrationAsync(MigrationRun.Request(source, target, o =>
        {
            o.Batch = new BatchSettings { BaseBatchSize = 500, MinBatchSize = 500, MaxBatchSize = 500 };
            o.MaxConcurrentBatches = Ranges;
        }));
        var id = created.Migration.Id;
        await clients[1].StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });

        // Kill the server running the most unfinished ranges of accounts once some pages are committed.
        await WaitFor.ConditionAsync(() => RowsCommittedAsync(target, "public.accounts"), rows => rows >= Accounts / 15,
            TimeSpan.FromMinutes(3), "the first committed pages of accounts");
        var running = await RangeRowsAsync(target);
        var victim = cluster.Servers
            .Select(s => (Server: s, Ranges: RangesStartedOn(s).Where(r => running.TryGetValue(r, out var c) && !c.Completed).ToList()))
            .OrderByDescending(s => s.Ranges.Count)
            .First();
        Assert.True(victim.Ranges.Count > 0, $"no server runs an unfinished range: {string.Join(", ", running)}\n{cluster.Tails()}");
        foreach (var server in cluster.Servers)
        {
            output.WriteLine($"{server}: ranges {string.Join(", ", RangesStartedOn(server).Order())} of accounts started there");
        }

        var clock = Stopwatch.StartNew();
        await victim.Server.KillAsync();
        try
        {
            // What the dead server left unfinished (read after its death: nothing of it can commit any more), among every
            // range it started up to then (it may have finished those it ran when it was chosen and taken others).
            var before = await RangeRowsAsync(target);
            var orphaned = RangesStartedOn(victim.Server).Where(r => !before[r].Completed).ToList();
            Assert.True(orphaned.Count > 0, $"the killed server finished its ranges before it died: {string.Join(", ", before)}");
            await FailOverAndCompleteAsync(cluster, victim.Server, orphaned, before, clock, source, target, id);
        }
        finally
        {
            // The next test gets a cluster of three again.
            await victim.Server.RestartAsync();
            await cluster.WaitForActiveSilosAsync(3, TimeSpan.FromMinutes(2));
        }
    }

    private async Task FailOverAndCompleteAsync(ServerCluster cluster, ServerProcess victim, List<int> victimRanges,
        Dictionary<int, (long Rows, bool Completed)> before, Stopwatch clock, string source, string target, string id)
    {
        output.WriteLine($"killed {victim} running ranges {string.Join(", ", victimRanges)} of accounts; checkpoints then: " +
                         string.Join(", ", before.Select(b => $"{b.Key}:{b.Value.Rows}{(b.Value.Completed ? " done" : "")}")));

        // Failover: every range the dead server ran commits again (on a survivor) from where its checkpoint was.
        await WaitFor.ConditionAsync(async () =>
        {
            var now = await RangeRowsAsync(target);
            return victimRanges.All(r => now[r].Completed || now[r].Rows > before[r].Rows);
        }, TimeSpan.FromMinutes(2), "the killed server's ranges to move again on the survivors");
        var failover = clock.Elapsed;
        output.WriteLine($"failover: the killed server's ranges committed again {failover.TotalSeconds:F1} s after the kill");

        var survivors = cluster.Servers.Where(s => s != victim).ToList();
        var survivorClients = survivors.Select(s => new MigrationService.MigrationServiceClient(GrpcChannel.ForAddress(s.Address))).ToList();
        var migration = await WaitFor.ConditionAsync(
            async () => (await survivorClients[0].GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration,
            m => m.Phase is MigrationPhase.Completed or MigrationPhase.Failed,
            TimeSpan.FromMinutes(4),
            "the migration to finish on the survivors");
        output.WriteLine($"completed {clock.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(migration.Phase == MigrationPhase.Completed, $"{migration.Phase}: {migration.ErrorMessage}\n{cluster.Tails()}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        Assert.All(migration.Validation.Tables, t => Assert.Equal(t.SourceChecksum, t.TargetChecksum));
        Assert.Equal(await DigestAsync(source, "accounts"), await DigestAsync(target, "accounts"));
        Assert.Equal(await DigestAsync(source, "ledger"), await DigestAsync(target, "ledger")); // no key: a duplicate would show
        // The ledger has no key: it was cut into heap block ranges, units spread over the servers like the key ranges.
        Assert.True(await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM migration_control.checkpoints WHERE table_name = 'public.ledger' AND completed") > 1,
            "the keyless ledger was not cut into block ranges");
        var after = await RangeRowsAsync(target);
        Assert.Equal(Enumerable.Range(0, after.Count), after.Keys.Order());
        Assert.True(after.Count % Ranges == 0, $"{after.Count} ranges for {Ranges} streams"); // a multiple of the streams
        Assert.Equal(Accounts, after.Values.Sum(r => r.Rows));
        foreach (var range in victimRanges)
        {
            Assert.True(survivors.Any(s => RangesStartedOn(s).Contains(range)),
                $"range {range} was not started again on a survivor\n{cluster.Tails()}");
        }

        // The other survivor answers too, and a watch opened there streams the whole history (events appended by
        // every process, live until the end) without a gap.
        var seen = await survivorClients[1].GetMigrationAsync(new GetMigrationRequest { MigrationId = id });
        Assert.Equal(MigrationPhase.Completed, seen.Migration.Phase);
        var events = await MigrationRun.WatchToEndAsync(survivorClients[1], id, 0, TimeSpan.FromSeconds(30));
        MigrationRun.AssertContiguous(events);
        Assert.Contains(events, e => e.PhaseChanged?.To == MigrationPhase.Completed);
    }

    [Fact]
    public async Task TenMigrationsAtOnce_AcrossThreeServers_EachCompletesWithItsOwnRows()
    {
        var pairs = new List<(string Source, string Target)>();
        for (var i = 0; i < Migrations; i++)
        {
            var source = await postgres.CreateDatabaseAsync($"many{i}_src");
            var target = await postgres.CreateDatabaseAsync($"many{i}_tgt");
            // Every source has its own labels, so rows that strayed into another migration's target would show.
            await PostgresServer.ExecuteAsync(source, $"""
                CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), note text);
                INSERT INTO customers SELECT g, 'm{i} customer ' || g FROM generate_series(1, {Customers}) g;
                INSERT INTO orders SELECT g, 1 + g % {Customers}, 'm{i} order ' || g FROM generate_series(1, {Orders}) g;
                ANALYZE;
                """);
            pairs.Add((source, target));
        }

        var cluster = fixture.Cluster;
        var clients = cluster.Servers.Select(s => new MigrationService.MigrationServiceClient(GrpcChannel.ForAddress(s.Address))).ToList();
        var started = DateTime.UtcNow;

        var runs = pairs.Select(async (pair, i) =>
        {
            var created = await clients[i % 3].CreateMigrationAsync(MigrationRun.Request(pair.Source, pair.Target));
            var id = created.Migration.Id;
            await clients[(i + 1) % 3].StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
            var migration = await WaitFor.ConditionAsync(
                async () => (await clients[(i + 2) % 3].GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration,
                m => m.Phase is MigrationPhase.Completed or MigrationPhase.Failed,
                TimeSpan.FromMinutes(4),
                $"migration {i} to finish");
            return (Index: i, Migration: migration);
        }).ToList();
        var results = await Task.WhenAll(runs);
        output.WriteLine($"{Migrations} migrations on 3 servers completed in {(DateTime.UtcNow - started).TotalSeconds:F1} s");

        Assert.Equal(Migrations, results.Select(r => r.Migration.Id).Distinct().Count());
        foreach (var (index, migration) in results)
        {
            Assert.True(migration.Phase == MigrationPhase.Completed, $"migration {index}: {migration.Phase}: {migration.ErrorMessage}\n{cluster.Tails()}");
            Assert.True(migration.Validation.Passed, migration.Validation.Summary);
            var target = pairs[index].Target;
            Assert.Equal(Customers, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM customers WHERE name LIKE 'm{index} %'"));
            Assert.Equal(Orders, await PostgresServer.ScalarAsync<long>(target, $"SELECT count(*) FROM orders WHERE note LIKE 'm{index} %'"));
            Assert.Equal(Customers + Orders, await PostgresServer.ScalarAsync<long>(target,
                "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders)"));
        }
    }

    private static HashSet<int> RangesStartedOn(ServerProcess server) =>
        RangeStarted().Matches(server.CurrentOutput).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();

    [GeneratedRegex(@"range (\d+) of public\.accounts started on silo")]
    private static partial Regex RangeStarted();

    private static async Task<long> RowsCommittedAsync(string target, string table)
    {
        try
        {
            return await PostgresServer.ScalarAsync<long>(target,
                $"SELECT coalesce(sum(rows_copied), 0)::bigint FROM migration_control.checkpoints WHERE table_name = '{table}'");
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return 0;
        }
    }

    private static async Task<Dictionary<int, (long Rows, bool Completed)>> RangeRowsAsync(string target)
    {
        await using var connection = new Npgsql.NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT chunk, rows_copied, completed FROM migration_control.checkpoints WHERE table_name = 'public.accounts'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ranges = new Dictionary<int, (long, bool)>();
        while (await reader.ReadAsync())
        {
            ranges[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetBoolean(2));
        }

        return ranges;
    }

    private static Task<string> DigestAsync(string connectionString, string table) =>
        PostgresServer.ScalarAsync<string>(connectionString,
            $"SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text COLLATE \"C\")), '') FROM {table} r");
}
