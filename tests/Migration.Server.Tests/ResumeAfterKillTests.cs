using Grpc.Core;
using Grpc.Net.Client;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests;

/// <summary>
/// The server process is killed with SIGKILL in the middle of a table and started again on the same data directory:
/// the migration resumes by itself from the checkpoints committed in the target, with no row lost or duplicated.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ResumeAfterKillTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)] // accounts is cut into two key ranges copied side by side
    public async Task KillMidTable_RestartedServer_ResumesAndCompletesExactlyOnce(int streams)
    {
        var source = await postgres.CreateDatabaseAsync("kill_src");
        var target = await postgres.CreateDatabaseAsync("kill_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(14,2) NOT NULL);
            CREATE TABLE ledger (account_id bigint NOT NULL REFERENCES accounts (id), amount numeric(14,2), note text);
            INSERT INTO accounts SELECT g, 'owner ' || g, g % 1000 FROM generate_series(1, 150000) g;
            INSERT INTO ledger SELECT 1 + g % 150000, g % 97, 'entry ' || g FROM generate_series(1, 60000) g;
            ANALYZE;
            """);

        await using var server = await ServerProcess.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new MigrationService.MigrationServiceClient(channel);
        var created = await client.CreateMigrationAsync(MigrationRun.Request(source, target, o =>
        {
            o.Batch = new BatchSettings { BaseBatchSize = 1000, MinBatchSize = 1000, MaxBatchSize = 1000 };
            o.MaxConcurrentBatches = streams;
        }));
        var id = created.Migration.Id;
        await client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true });

        // Kill it once some pages of the first table are committed but the table is not finished.
        var copied = await WaitFor.ConditionAsync(
            () => RowsCommittedAsync(target),
            rows => rows >= 20_000,
            TimeSpan.FromMinutes(2),
            "the first committed pages");
        Assert.True(copied < 150_000, $"the copy finished before it could be interrupted ({copied} rows)");
        var cut = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.checkpoints WHERE table_name = 'public.accounts'");
        await server.KillAsync();

        await server.RestartAsync();
        using var channel2 = GrpcChannel.ForAddress(server.Address);
        var client2 = new MigrationService.MigrationServiceClient(channel2);
        var migration = await WaitFor.ConditionAsync(
            async () => (await client2.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration,
            m => m.Phase is MigrationPhase.Completed or MigrationPhase.Failed,
            TimeSpan.FromMinutes(3),
            "the resumed migration to finish");

        Assert.True(migration.Phase == MigrationPhase.Completed, $"{migration.Phase}: {migration.ErrorMessage}\n{server.Tail()}");
        Assert.True(migration.Validation.Passed, migration.Validation.Summary);
        Assert.Equal(150_000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM accounts"));
        // ledger has no key at all: duplicates would show here, and in the checksum.
        Assert.Equal(60_000L, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM ledger"));
        Assert.Contains("Resuming 1 unfinished migration", server.CurrentOutput, StringComparison.Ordinal);
        // The restarted server continued the ranges cut before the kill (one per stream or more; one for one stream).
        Assert.True(streams == 1 ? cut == 1 : cut >= streams && cut % streams == 0, $"{cut} ranges for {streams} stream(s)");
        Assert.Equal(cut, await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM migration_control.checkpoints WHERE table_name = 'public.accounts'"));

        // The full event history survived the crash too: one gap-free sequence.
        var events = await MigrationRun.WatchToEndAsync(client2, id, 0, TimeSpan.FromSeconds(30));
        MigrationRun.AssertContiguous(events);
    }

    private static async Task<long> RowsCommittedAsync(string target)
    {
        try
        {
            return await PostgresServer.ScalarAsync<long>(target,
                "SELECT coalesce(sum(rows_copied), 0)::bigint FROM migration_control.checkpoints");
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return 0;
        }
    }
}
