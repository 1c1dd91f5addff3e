using Grpc.Core;
using Grpc.Core.Interceptors;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>
/// Rollback and the backup/restore calls are an admin's: every other role (and an operator+approver key) gets
/// PERMISSION_DENIED and nothing changes; the admin's rollback removes what the migration wrote.
/// </summary>
[Collection(SecuredServerCollection.Name)]
public sealed class RecoveryRoleTests(SecuredServerFixture fixture)
{
    [Fact]
    public async Task RecoveryCalls_NonAdminRolesDenied_AdminRollsBack()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var source = await fixture.Postgres.CreateDatabaseAsync("recovery_roles_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("recovery_roles_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE parcels (id int PRIMARY KEY, label text); INSERT INTO parcels SELECT g, 'p' || g FROM generate_series(1, 400) g");
        var (migration, _) = await MigrationRun.RunAsync(fixture.ClientWithKey("operator+approver"), MigrationRun.Request(source, target));
        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        var id = migration.Id;

        foreach (var role in new[] { "viewer", "operator", "approver", "operator+approver" })
        {
            var recovery = Recovery(role);
            var calls = new Func<Task>[]
            {
                () => recovery.RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "not mine to do" }).ResponseAsync,
                () => recovery.ListBackupsAsync(new ListBackupsRequest { MigrationId = id }).ResponseAsync,
                () => recovery.TestRestoreAsync(new TestRestoreRequest { MigrationId = id }).ResponseAsync,
                () => recovery.RestoreBackupAsync(new RestoreBackupRequest { MigrationId = id, Reason = "not mine to do" }).ResponseAsync,
            };
            foreach (var call in calls)
            {
                var denied = await Assert.ThrowsAsync<RpcException>(call);
                Assert.True(denied.StatusCode == StatusCode.PermissionDenied, $"{role}: {denied.StatusCode} {denied.Status.Detail}");
                Assert.Contains("admin", denied.Status.Detail, StringComparison.Ordinal);
            }
        }

        Assert.Equal(400, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM parcels"));
        Assert.Equal(MigrationPhase.Completed, (await fixture.ClientWithKey("viewer").GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration.Phase);

        var admin = Recovery("admin");
        await admin.ListBackupsAsync(new ListBackupsRequest { MigrationId = id });
        var rolledBack = await admin.RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = id, Reason = "role test" });

        Assert.True(rolledBack.Verified, rolledBack.Summary);
        Assert.Equal(400, rolledBack.RowsRemoved);
        Assert.Equal(MigrationPhase.RolledBack, rolledBack.Migration.Phase);
        // The admin's rollback is in the migration's trail; refused calls (whose request is never read) in the server's own.
        var records = (await Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id })).Records
            .Where(r => r.Action.EndsWith("/RollbackMigration", StringComparison.Ordinal)).ToList();
        Assert.Single(records, r => r.Actor == "api-key:admin" && r.Outcome == "OK");
        Assert.DoesNotContain(records, r => r.Outcome != "OK");
        await WaitFor.ConditionAsync(async () => await PostgresServer.ScalarAsync<long>(fixture.AuditDatabase, $"""
                SELECT count(DISTINCT actor) FROM migration_control.audit_log
                WHERE action LIKE '%/RollbackMigration' AND outcome = 'PermissionDenied' AND occurred_at >= '{started:O}'
                  AND actor IN ('api-key:viewer', 'api-key:operator', 'api-key:approver', 'api-key:operator-approver')
                """) == 4, TimeSpan.FromSeconds(10), "the four refused rollbacks in the server's audit trail");
    }

    private RecoveryService.RecoveryServiceClient Recovery(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));

    private OperationsService.OperationsServiceClient Operations(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));
}
