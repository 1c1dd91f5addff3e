using Grpc.Core;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Testing;

namespace Migration.Resilience.Tests;

/// <summary>
/// Run-once across server instances: two real server processes share Redis (one agent cluster: state, registry,
/// events) and the target. The same migration created and started through both at once runs once: one create wins
/// and the other attaches (a watcher), one start wins and the other gets FAILED_PRECONDITION, exactly one session
/// holds the execution lease in the target while it copies, and every row arrives once.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class RunOnceTests(PostgresServer postgres, RedisServer redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task TwoServers_SameMigrationCreatedAndStartedOnBoth_RunsOnce()
    {
        var scenario = await Scenario.CreateAsync(postgres, "runonce", accounts: 30_000, ledger: 6_000);
        var shared = "runonce-" + Guid.NewGuid().ToString("N")[..8];
        var servers = await Task.WhenAll(ServerProcess.StartAsync(Options(shared)), ServerProcess.StartAsync(Options(shared)));
        await using var first = servers[0];
        await using var second = servers[1];
        using var channelA = GrpcChannel.ForAddress(first.Address);
        using var channelB = GrpcChannel.ForAddress(second.Address);
        var a = Scenario.Client(channelA);
        var b = Scenario.Client(channelB);

        var creates = await Task.WhenAll(
            a.CreateMigrationAsync(scenario.Request(pageSize: 500, streams: 1)).ResponseAsync,
            b.CreateMigrationAsync(scenario.Request(pageSize: 500, streams: 1)).ResponseAsync);
        Assert.Equal(creates[0].Migration.Id, creates[1].Migration.Id);
        Assert.Equal(1, creates.Count(c => c.AttachedToExisting));
        var id = creates[0].Migration.Id;

        var results = await Task.WhenAll(StartAsync(a, id), StartAsync(b, id));
        Assert.Equal(1, results.Count(r => r == StatusCode.OK));
        Assert.Equal(1, results.Count(r => r == StatusCode.FailedPrecondition));

        await WaitFor.ConditionAsync(() => Faults.RowsCommittedAsync(scenario.Target), rows => rows >= 1_000, Timeout, "the copy");
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(scenario.Target,
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1296648024 AND granted")); // 'MIGX'

        var end = await Scenario.WaitForEndAsync(a, id, Timeout);
        Assert.True(end.Phase == MigrationPhase.Completed, $"{end.Phase}: {end.ErrorMessage}\n{first.Tail()}\n{second.Tail()}");
        var (lost, duplicated, equal) = await scenario.CompareAsync();
        Assert.Equal((0L, 0L, true), (lost, duplicated, equal));
    }

    private static async Task<StatusCode> StartAsync(MigrationService.MigrationServiceClient client, string id)
    {
        try
        {
            await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    private ServerProcessOptions Options(string shared)
    {
        var options = new ServerProcessOptions { StartTimeout = TimeSpan.FromMinutes(4) };
        options.Environment["Redis__ConnectionString"] = redis.ConnectionString;
        options.Environment["Redis__KeyPrefix"] = $"test:{shared}:";
        options.Environment["Orleans__ServiceId"] = shared;
        options.Environment["Orleans__ClusterId"] = shared;
        options.Environment["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
        return options;
    }
}
