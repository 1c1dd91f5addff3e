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
/// Three real server processes on one Redis form one cluster. A large table's key ranges run as units spread over
/// the servers; one server is killed (SIGKILL) mid-run; its units are reactivated on the survivors and continue from
/// their checkpoints in the target, and the migration completes with identical content. Any server answers for the
/// migration, and a watch opened on a survivor streams the whole history, events appended by every process.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class ClusterFailoverTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const int Accounts = 120_000;
    private const int Ledger = 30_000;
    private const int Ranges = 6;

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

        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var cluster = await ServerCluster.StartAsync(3, redis.ConnectionString, "failover");
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
        await WaitFor.ConditionAsync(() => RowsCommittedAsync(target, "public.accounts"), rows => rows >= Accounts / 8,
            TimeSpan.FromMinutes(3), "the first committed pages of accounts");
        var before = await RangeRowsAsync(target);
        var victim = cluster.Servers
            .Select(s => (Server: s, Ranges: RangesStartedOn(s).Where(r => before.TryGetValue(r, out var c) && !c.Completed).ToList()))
            .OrderByDescending(s => s.Ranges.Count)
            .First();
        Assert.True(victim.Ranges.Count > 0, $"no server runs an unfinished range: {string.Join(", ", before)}\n{cluster.Tails()}");
        var clock = Stopwatch.StartNew();
        await victim.Server.KillAsync();
        output.WriteLine($"killed {victim.Server} running ranges {string.Join(", ", victim.Ranges)} of accounts; checkpoints then: " +
                         string.Join(", ", before.Select(b => $"{b.Key}:{b.Value.Rows}{(b.Value.Completed ? " done" : "")}")));

        // Failover: every range the dead server ran commits again (on a survivor) from where its checkpoint was.
        await WaitFor.ConditionAsync(async () =>
        {
            var now = await RangeRowsAsync(target);
            return victim.Ranges.All(r => now[r].Completed || now[r].Rows > before[r].Rows);
        }, TimeSpan.FromMinutes(2), "the killed server's ranges to move again on the survivors");
        var failover = clock.Elapsed;
        output.WriteLine($"failover: the killed server's ranges committed again {failover.TotalSeconds:F1} s after the kill");

        var survivors = cluster.Servers.Where(s => s != victim.Server).ToList();
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
        var after = await RangeRowsAsync(target);
        Assert.Equal(Enumerable.Range(0, Ranges), after.Keys.Order());
        Assert.Equal(Accounts, after.Values.Sum(r => r.Rows));
        foreach (var range in victim.Ranges)
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
