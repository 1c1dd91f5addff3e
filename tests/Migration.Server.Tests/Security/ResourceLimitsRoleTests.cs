using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>Changing resource limits is an operator's call, and it is written to the audit trail like the other control calls.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class ResourceLimitsRoleTests(SecuredServerFixture fixture)
{
    [Fact]
    public async Task UpdateResourceLimits_ViewerDeniedOperatorHeard_BothAudited()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("limits_roles_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("limits_roles_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE items (id integer PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g;");
        var operatorClient = fixture.ClientWithKey("operator");
        var id = (await operatorClient.CreateMigrationAsync(MigrationRun.Request(source, target))).Migration.Id;
        var request = new UpdateResourceLimitsRequest { MigrationId = id, MaxConcurrentBatches = 3 };

        var denied = await Assert.ThrowsAsync<RpcException>(() => fixture.ClientWithKey("viewer").UpdateResourceLimitsAsync(request).ResponseAsync);
        var notPaused = await Assert.ThrowsAsync<RpcException>(() => operatorClient.UpdateResourceLimitsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, notPaused.StatusCode); // past the role check: it waits for approval
        Assert.Contains("pause it first", notPaused.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await WaitFor.ConditionAsync(async () =>
                await AuditedAsync(fixture.AuditDatabase, "actor = 'api-key:viewer' AND outcome = 'PermissionDenied'") >= 1
                && await AuditedAsync(target, $"actor = 'api-key:operator' AND outcome = 'FailedPrecondition' AND migration_id = '{id}'") == 1,
            TimeSpan.FromSeconds(10), "both calls in the audit trail");
        await operatorClient.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
    }

    private static Task<long> AuditedAsync(string database, string condition) => PostgresServer.ScalarAsync<long>(database,
        $"SELECT count(*) FROM migration_control.audit_log WHERE action LIKE '%/UpdateResourceLimits' AND {condition}");
}
