using Grpc.Core;
using Migration.Contracts.V1;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>Drives migrations through the public MigrationService the way a client does.</summary>
public static class Runs
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
            Description = "guidance test",
            RequestedBy = "tests",
        };
    }

    /// <summary>Creates a migration; it waits for approval.</summary>
    public static async Task<string> CreateAsync(MigrationService.MigrationServiceClient client, string source, string target,
        Action<MigrationOptions>? configure = null)
    {
        var created = await client.CreateMigrationAsync(Request(source, target, configure));
        Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
        return created.Migration.Id;
    }

    public static async Task<string> RunToEndAsync(MigrationService.MigrationServiceClient client, string source, string target)
    {
        var id = await CreateAsync(client, source, target);
        await client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "alice", Comment = "checked the plan with finance" });
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "alice" });
        await WatchToEndAsync(client, id);
        var migration = (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        return id;
    }

    public static async Task<IReadOnlyList<MigrationEvent>> WatchToEndAsync(MigrationService.MigrationServiceClient client, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var events = new List<MigrationEvent>();
        using var call = client.WatchMigration(new WatchMigrationRequest { MigrationId = id }, cancellationToken: cts.Token);
        await foreach (var migrationEvent in call.ResponseStream.ReadAllAsync(cts.Token))
        {
            events.Add(migrationEvent);
        }

        return events;
    }
}
