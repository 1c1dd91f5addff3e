using Grpc.Core;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Testing;

namespace Migration.Resilience.Tests;

/// <summary>
/// Level-4 rollback and restore through the public API of a real server process: the target's content checksum
/// after the rollback equals the one taken before the migration, tables the migration created are gone, the control
/// state is reset, and the backup taken before the first write restores and passes its restore test.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class RollbackTests(PostgresServer postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RollbackMigration_CompletedMigration_TargetEqualsBaselineAndCreatedTablesDropped()
    {
        var scenario = await Scenario.CreateAsync(postgres, "rb_done", accounts: 8_000, ledger: 4_000);
        var before = await Scenario.MeasureAsync(scenario.Target, "regions", "id");
        await using var server = await ServerProcess.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = Scenario.Client(channel);
        var recovery = new RecoveryService.RecoveryServiceClient(channel);

        var id = await Scenario.CreateAsync(client, scenario.Request());
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
        var done = await Scenario.WaitForEndAsync(client, id, Timeout);
        Assert.True(done.Phase == MigrationPhase.Completed, $"{done.Phase}: {done.ErrorMessage}\n{server.Tail()}");
        Assert.Equal(50L, await PostgresServer.ScalarAsync<long>(scenario.Target, "SELECT count(*) FROM regions"));

        // The backup was taken before the first write (the planner only loads into empty tables: nothing to dump) and
        // its manifest records what existed.
        var backups = (await recovery.ListBackupsAsync(new ListBackupsRequest { MigrationId = id })).Backups;
        var backup = Assert.Single(backups);
        Assert.True(backup.LastRestoreTest?.Passed, backup.ToString());
        Assert.Equal(0L, backup.Tables.Single(t => t.Table == "public.regions").Rows);
        Assert.True(backup.Tables.Single(t => t.Table == "public.regions").Existed);
        Assert.False(backup.Tables.Single(t => t.Table == "public.accounts").Existed);

        var rollback = await recovery.RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "test" });
        Assert.True(rollback.Verified, rollback.Summary);
        Assert.Equal(MigrationPhase.RolledBack, rollback.Migration.Phase);
        Assert.Equal(8_000L + 4_000 + 3_000 + 50, rollback.RowsRemoved);
        Assert.Equal(before, await Scenario.MeasureAsync(scenario.Target, "regions", "id"));
        foreach (var created in new[] { "accounts", "ledger", "notes" })
        {
            Assert.False(await PostgresServer.ScalarAsync<bool>(scenario.Target, $"SELECT to_regclass('public.{created}') IS NOT NULL"), created);
        }

        Assert.Equal(0L, await PostgresServer.ScalarAsync<long>(scenario.Target,
            $"SELECT count(*) FROM migration_control.checkpoints WHERE migration_id = '{id}'"));
        Assert.Equal(1L, await PostgresServer.ScalarAsync<long>(scenario.Target,
            $"SELECT count(*) FROM migration_control.recovery_log WHERE migration_id = '{id}' AND verified"));

        // A second rollback is refused: the migration is over.
        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await recovery.RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task RestoreBackup_CompletedMigration_TablesBackAsBackedUp()
    {
        var scenario = await Scenario.CreateAsync(postgres, "rb_restore", accounts: 3_000, ledger: 1_000);
        var before = await Scenario.MeasureAsync(scenario.Target, "regions", "id");
        await using var server = await ServerProcess.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = Scenario.Client(channel);
        var recovery = new RecoveryService.RecoveryServiceClient(channel);
        var id = await Scenario.CreateAsync(client, scenario.Request());
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
        Assert.Equal(MigrationPhase.Completed, (await Scenario.WaitForEndAsync(client, id, Timeout)).Phase);

        var test = await recovery.TestRestoreAsync(new TestRestoreRequest { MigrationId = id });
        Assert.True(test.Result.Passed, string.Join("; ", test.Result.Issues));
        Assert.Equal(0L, test.Result.RowsRestored);

        var restored = await recovery.RestoreBackupAsync(new RestoreBackupRequest { MigrationId = id, Reason = "test" });
        Assert.True(restored.Result.Passed, string.Join("; ", restored.Result.Issues));
        Assert.Equal(MigrationPhase.RolledBack, restored.Migration.Phase);
        Assert.Equal(before, await Scenario.MeasureAsync(scenario.Target, "regions", "id"));
        Assert.False(await PostgresServer.ScalarAsync<bool>(scenario.Target, "SELECT to_regclass('public.accounts') IS NOT NULL"));
    }

    [Fact]
    public async Task RollbackMigration_TablesWithRetryWhileRunning_CopiesAgainExactlyOnce()
    {
        var scenario = await Scenario.CreateAsync(postgres, "rb_retry", accounts: 30_000, ledger: 5_000);
        await using var server = await ServerProcess.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = Scenario.Client(channel);
        var recovery = new RecoveryService.RecoveryServiceClient(channel);
        var id = await Scenario.CreateAsync(client, scenario.Request(pageSize: 500, streams: 1));
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });
        await WaitFor.ConditionAsync(
            () => Faults.RowsCommittedAsync(scenario.Target),
            rows => rows >= 2_000,
            Timeout,
            "the first committed pages");

        var rollback = await recovery.RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "retry", Retry = true });
        Assert.True(rollback.Verified, rollback.Summary);
        Assert.True(rollback.RowsRemoved > 0, rollback.Summary);

        var done = await Scenario.WaitForEndAsync(client, id, Timeout);
        Assert.True(done.Phase == MigrationPhase.Completed, $"{done.Phase}: {done.ErrorMessage}\n{server.Tail()}");
        var (lost, duplicated, equal) = await scenario.CompareAsync();
        Assert.Equal((0L, 0L, true), (lost, duplicated, equal));
    }
}
