using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>
/// Hostile input through a real channel: malformed and oversized messages, invalid enums, huge filter lists, replayed
/// and out-of-order control calls, a flood of watch streams. Each gets a precise status (with field details where there
/// is a field); none crashes the server, leaks a stack trace or changes state.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileInputTests(PostgresServer postgres, ServerFixture fixture)
{
    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task MalformedMessageBytes_RefusedWithoutStackTraceAndTheServerServesOn()
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, "migration.v1.MigrationService", "GetMigration",
            Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var invoker = fixture.Server.Channel.CreateCallInvoker();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            invoker.AsyncUnaryCall(method, null, new CallOptions(), [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        Assert.DoesNotContain("   at ", error.Status.Detail, StringComparison.Ordinal);
        await Client.ListMigrationsAsync(new ListMigrationsRequest());
    }

    [Fact]
    public async Task OversizedMessage_ResourceExhausted()
    {
        var request = MigrationRun.Request("Host=127.0.0.1;Database=a", "Host=127.0.0.1;Database=b");
        request.Description = new string('x', 5 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await Client.ListMigrationsAsync(new ListMigrationsRequest());
    }

    [Fact]
    public async Task HugeFilterList_InvalidArgumentNamingTheField()
    {
        var request = MigrationRun.Request("Host=127.0.0.1;Database=a", "Host=127.0.0.1;Database=b",
            o => o.IncludeTables.AddRange(Enumerable.Range(0, 50_000).Select(i => $"public.t{i}")));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(Violations(error), v => v.Field == "options.include_tables" && v.Description.Contains("10000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverlongAndEmptyNames_InvalidArgumentPerEntry()
    {
        var request = MigrationRun.Request("Host=127.0.0.1;Database=a", "Host=127.0.0.1;Database=b", o =>
        {
            o.ExcludeTables.Add(new string('t', 5000));
            o.ExcludeTables.Add("");
            o.ControlSchema = new string('c', 64);
        });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = Violations(error).Select(v => v.Field).ToList();
        Assert.Contains("options.exclude_tables[0]", fields);
        Assert.Contains("options.exclude_tables[1]", fields);
        Assert.Contains("options.control_schema", fields);
    }

    [Fact]
    public async Task InvalidEnums_InvalidArgumentNamingTheField()
    {
        var list = new ListMigrationsRequest();
        list.Phases.Add((MigrationPhase)999);
        var create = MigrationRun.Request("Host=127.0.0.1;Database=a", "Host=127.0.0.1;Database=b", o => o.ForeignKeyMode = (ForeignKeyMode)42);
        var approve = new ApprovePlanRequest { MigrationId = "mig-unknown", ForeignKeyMode = (ForeignKeyMode)7 };

        var listError = await Assert.ThrowsAsync<RpcException>(() => Client.ListMigrationsAsync(list).ResponseAsync);
        var createError = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(create).ResponseAsync);
        var approveError = await Assert.ThrowsAsync<RpcException>(() => Client.ApprovePlanAsync(approve).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, listError.StatusCode);
        Assert.Contains(Violations(listError), v => v.Field == "phases[0]" && v.Description.Contains("999", StringComparison.Ordinal));
        Assert.Contains(Violations(createError), v => v.Field == "options.foreign_key_mode");
        Assert.Contains(Violations(approveError), v => v.Field == "foreign_key_mode");
    }

    [Fact]
    public async Task ReplayedAndOutOfOrderControlCalls_FailedPreconditionAndNoStateChange()
    {
        var source = await postgres.CreateDatabaseAsync("hostile_replay_src");
        var target = await postgres.CreateDatabaseAsync("hostile_replay_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 300);");
        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));
        var id = created.Migration.Id;

        // Out of order: pause, resume and validate before the migration started.
        foreach (var call in OutOfOrder(id))
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        }

        await Client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id });
        await Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id });
        await MigrationRun.WatchToEndAsync(Client, id, 0, TimeSpan.FromMinutes(2));
        var before = (await Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.Completed, before.Phase);

        // Replayed: every control call again on the finished migration.
        foreach (var call in Replays(id))
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            Assert.DoesNotContain("   at ", error.Status.Detail, StringComparison.Ordinal);
        }

        var after = (await Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.Completed, after.Phase);
        Assert.Equal(before.LastEventSequence, after.LastEventSequence);
        Assert.Equal(300, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task WatchFlood_BoundedMemoryAndEveryStreamServed()
    {
        var source = await postgres.CreateDatabaseAsync("hostile_flood_src");
        var target = await postgres.CreateDatabaseAsync("hostile_flood_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);");
        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));
        var id = created.Migration.Id;
        var expected = created.Migration.LastEventSequence;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var streams = Enumerable.Range(0, 200)
            .Select(_ => Client.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cancel.Token))
            .ToList();
        var firstEvents = await Task.WhenAll(streams.Select(async s =>
        {
            var seen = 0L;
            while (seen < expected && await s.ResponseStream.MoveNext(cancel.Token))
            {
                seen = s.ResponseStream.Current.Sequence;
            }

            return seen;
        }));
        var during = GC.GetTotalMemory(forceFullCollection: true);
        await Client.ListMigrationsAsync(new ListMigrationsRequest(), cancellationToken: cancel.Token);
        await cancel.CancelAsync();
        foreach (var stream in streams)
        {
            stream.Dispose();
        }

        Assert.All(firstEvents, last => Assert.Equal(expected, last));
        Assert.True(during - baseline < 64L * 1024 * 1024, $"200 idle watch streams took {(during - baseline) / (1024 * 1024)} MB of managed memory");
        await Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test over" });
    }

    private IEnumerable<Func<Task>> OutOfOrder(string id) =>
    [
        () => Client.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = id }).ResponseAsync,
        () => Client.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = id }).ResponseAsync,
        () => Client.ValidateMigrationAsync(new ValidateMigrationRequest { MigrationId = id }).ResponseAsync,
    ];

    private IEnumerable<Func<Task>> Replays(string id) =>
    [
        () => Client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id }).ResponseAsync,
        () => Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id }).ResponseAsync,
        () => Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true }).ResponseAsync,
        () => Client.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = id }).ResponseAsync,
        () => Client.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = id }).ResponseAsync,
        () => Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id }).ResponseAsync,
    ];

    private static IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> Violations(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.ToList() ?? [];
}
