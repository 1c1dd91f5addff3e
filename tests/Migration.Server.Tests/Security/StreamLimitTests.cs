using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>A caller who opens more streams than the per-caller limit is refused; other callers are not affected.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class StreamLimitTests(SecuredServerFixture fixture)
{
    [Fact]
    public async Task WatchStreams_BeyondThePerCallerLimit_ResourceExhaustedForThatCallerOnly()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("stream_limit_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("stream_limit_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)");
        var id = (await fixture.ClientWithKey("operator").CreateMigrationAsync(MigrationRun.Request(source, target))).Migration.Id;
        var viewer = fixture.ClientWithKey("viewer");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        // The migration waits for approval, so each watch stream stays open after its first events.
        var open = new List<AsyncServerStreamingCall<MigrationEvent>>();
        for (var i = 0; i < SecuredServerFixture.StreamsPerCaller; i++)
        {
            var call = viewer.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cancel.Token);
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            open.Add(call);
        }

        using var extra = viewer.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cancel.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => extra.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("MaxOpenStreamsPerCaller", refused.Status.Detail, StringComparison.Ordinal);

        using var other = fixture.ClientWithKey("operator").WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cancel.Token);
        Assert.True(await other.ResponseStream.MoveNext(cancel.Token));

        // A closed stream frees its slot.
        open[0].Dispose();
        await WaitFor.ConditionAsync(async () =>
        {
            using var again = viewer.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cancel.Token);
            try
            {
                return await again.ResponseStream.MoveNext(cancel.Token);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a closed stream to free its slot");

        foreach (var call in open)
        {
            call.Dispose();
        }
    }
}
