using Grpc.Core;
using Grpc.Core.Interceptors;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using Npgsql;

namespace Migration.Server.Tests.Security;

/// <summary>The audit trail: who did what to which migration, with what result, kept append-only in the target.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AuditTrailTests(SecuredServerFixture fixture)
{
    private OperationsService.OperationsServiceClient Operations(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));

    [Fact]
    public async Task ControlCalls_SeparateRoles_AuditedInTheTargetWithActorAndOutcome()
    {
        var (source, target) = await SmallSourceAsync("audit_roles");
        var operatorClient = fixture.ClientWithKey("operator");
        var created = await operatorClient.CreateMigrationAsync(MigrationRun.Request(source, target));
        var id = created.Migration.Id;

        // The operator may not approve its own plan; a viewer may not pause; the approver approves.
        var selfApproval = await Assert.ThrowsAsync<RpcException>(() =>
            operatorClient.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, selfApproval.StatusCode);
        var autoApprove = await Assert.ThrowsAsync<RpcException>(() =>
            operatorClient.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, AutoApprove = true }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, autoApprove.StatusCode);
        await fixture.ClientWithKey("approver").ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "someone-else" });
        await operatorClient.StartMigrationAsync(new StartMigrationRequest { MigrationId = id });
        await MigrationRun.WatchToEndAsync(operatorClient, id, 0, TimeSpan.FromMinutes(2));

        var records = (await Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id })).Records;

        Assert.Contains(records, r => r.Action.EndsWith("/CreateMigration", StringComparison.Ordinal) && r.Actor == "api-key:operator" && r.Outcome == "OK");
        Assert.Contains(records, r => r.Action.EndsWith("/ApprovePlan", StringComparison.Ordinal) && r.Actor == "api-key:approver" && r.Outcome == "OK");
        Assert.Contains(records, r => r.Action.EndsWith("/StartMigration", StringComparison.Ordinal) && r.Actor == "api-key:operator"
                                      && r.Outcome == "PermissionDenied" && r.Detail.Contains("auto_approve", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Action.EndsWith("/StartMigration", StringComparison.Ordinal) && r.Outcome == "OK");
        Assert.DoesNotContain(records, r => r.Action.EndsWith("/WatchMigration", StringComparison.Ordinal));
        Assert.All(records, r => Assert.StartsWith("127.0.0.1:", r.Peer, StringComparison.Ordinal));
        Assert.All(records, r => Assert.Equal("api-key", r.AuthMethod));
        Assert.Equal(records.Select(r => r.Id).OrderDescending(), records.Select(r => r.Id));

        // The approver is recorded as the authenticated caller, not the name the request claimed.
        var migration = (await operatorClient.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
        var plan = (await operatorClient.GetPlanAsync(new GetPlanRequest { MigrationId = id })).Plan;
        Assert.Equal("api-key:approver", plan.ApprovedBy);
        // Reading the trail is itself audited (after the read).
        var reads = await PostgresServer.ScalarAsync<long>(target,
            "SELECT count(*) FROM migration_control.audit_log WHERE actor = 'api-key:admin' AND action LIKE '%/ListAuditRecords'");
        var rows = await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.audit_log");
        Assert.Equal(1, reads);
        Assert.Equal(records.Count + 1, rows);
    }

    [Fact]
    public async Task AuditLog_UpdateOrDelete_RefusedByTheDatabase()
    {
        var (source, target) = await SmallSourceAsync("audit_append");
        await fixture.ClientWithKey("operator").CreateMigrationAsync(MigrationRun.Request(source, target));

        var update = await Assert.ThrowsAsync<PostgresException>(() =>
            PostgresServer.ExecuteAsync(target, "UPDATE migration_control.audit_log SET actor = 'nobody'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() =>
            PostgresServer.ExecuteAsync(target, "DELETE FROM migration_control.audit_log"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() =>
            PostgresServer.ExecuteAsync(target, "TRUNCATE migration_control.audit_log"));

        Assert.All([update, delete, truncate], e => Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal));
        Assert.Equal(1, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM migration_control.audit_log WHERE actor = 'api-key:operator'"));
    }

    [Fact]
    public async Task RefusedCalls_RecordedInTheServerTrail()
    {
        var forged = Server.Security.ApiKeyHash.NewKey();
        await Assert.ThrowsAsync<RpcException>(() => fixture.Client(new Metadata { { "x-api-key", forged } })
            .ListMigrationsAsync(new ListMigrationsRequest()).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => fixture.ClientWithKey("viewer")
            .CancelMigrationAsync(new CancelMigrationRequest { MigrationId = "mig-audit-denied" }).ResponseAsync);

        var records = (await Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 1000 })).Records;

        Assert.Contains(records, r => r.Outcome == "Unauthenticated" && r.Actor == "anonymous" && r.Detail.Contains("API key is not known", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Outcome == "PermissionDenied" && r.Actor == "api-key:viewer" && r.Action.EndsWith("/CancelMigration", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Detail.Contains(forged, StringComparison.Ordinal));
        var stored = await PostgresServer.ScalarAsync<long>(fixture.AuditDatabase,
            $"SELECT count(*) FROM migration_control.audit_log WHERE detail LIKE '%{forged}%'");
        Assert.Equal(0, stored);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    [InlineData("approver")]
    public async Task ListAuditRecords_NotAdmin_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Operations(role).ListAuditRecordsAsync(new ListAuditRecordsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ListAuditRecords_UnknownMigration_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = "mig-nope" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ListAuditRecords_PageSizeOutOfRange_InvalidArgumentWithField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { PageSize = 5000 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations, v => v.Field == "page_size");
    }

    private async Task<(string Source, string Target)> SmallSourceAsync(string prefix)
    {
        var source = await fixture.Postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await fixture.Postgres.CreateDatabaseAsync(prefix + "_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            """);
        return (source, target);
    }
}
