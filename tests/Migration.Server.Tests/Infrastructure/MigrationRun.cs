using Grpc.Core;
using Migration.Contracts.V1;

namespace Migration.Server.Tests.Infrastructure;

/// <summary>Drives a migration through the public API the way a client does: create, approve, start, watch to the end.</summary>
public static class MigrationRun
{
    public static CreateMigrationRequest Request(string source, string target, Action<MigrationOptions>? configure = null)
    {
        var options = new MigrationOptions();
        configure?.Invoke(options);
        return new CreateMigrationRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
            Options = options,
            Description = "end-to-end test",
            RequestedBy = "tests",
        };
    }

    public static async Task<(Contracts.V1.Migration Migration, IReadOnlyList<MigrationEvent> Events)> RunAsync(
        MigrationService.MigrationServiceClient client, CreateMigrationRequest request, TimeSpan? timeout = null)
    {
        var created = await client.CreateMigrationAsync(request);
        Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
        var id = created.Migration.Id;
        await client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "tests" });
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "tests" });
        var events = await WatchToEndAsync(client, id, 0, timeout ?? TimeSpan.FromMinutes(3));
        var migration = (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        return (migration, events);
    }

    /// <summary>Reads the watch stream from a cursor until the server ends it (terminal phase).</summary>
    public static async Task<IReadOnlyList<MigrationEvent>> WatchToEndAsync(
        MigrationService.MigrationServiceClient client, string id, long afterSequence, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var events = new List<MigrationEvent>();
        using var call = client.WatchMigration(new WatchMigrationRequest { MigrationId = id, AfterSequence = afterSequence },
            cancellationToken: cts.Token);
        await foreach (var migrationEvent in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            events.Add(migrationEvent);
        }

        return events;
    }

    /// <summary>Asserts the stream's sequences are contiguous from <paramref name="first"/> with no repeats.</summary>
    public static void AssertContiguous(IReadOnlyList<MigrationEvent> events, long first = 1)
    {
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(first + i, events[i].Sequence);
        }
    }
}
