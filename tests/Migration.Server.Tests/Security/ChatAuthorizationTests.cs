using Grpc.Core;
using Grpc.Core.Interceptors;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>Actions asked for in the chat need the roles of the RPCs that do the same; asking needs none.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class ChatAuthorizationTests(SecuredServerFixture fixture)
{
    [Fact]
    public async Task ApproveInTheChat_ViewerThenApprover_OnlyTheApproverIsObeyed()
    {
        var source = await fixture.Postgres.CreateDatabaseAsync("chat_auth_src");
        var target = await fixture.Postgres.CreateDatabaseAsync("chat_auth_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 50) g");
        var created = await fixture.ClientWithKey("operator").CreateMigrationAsync(MigrationRun.Request(source, target));
        var id = created.Migration.Id;

        var viewer = Guidance("viewer");
        var asked = await viewer.AskAsync(new AskRequest { MigrationId = id, Text = "go ahead" });
        var refused = await viewer.AskAsync(new AskRequest { MigrationId = id, ConversationId = asked.ConversationId, Text = "yes" });

        Assert.Contains("approver", refused.Reply.Text, StringComparison.Ordinal);
        var still = await fixture.ClientWithKey("viewer").GetPlanAsync(new GetPlanRequest { MigrationId = id });
        Assert.False(still.Plan.Approved);

        var approver = Guidance("approver");
        var again = await approver.AskAsync(new AskRequest { MigrationId = id, Text = "approve the plan" });
        await approver.AskAsync(new AskRequest { MigrationId = id, ConversationId = again.ConversationId, Text = "yes" });

        var plan = await fixture.ClientWithKey("viewer").GetPlanAsync(new GetPlanRequest { MigrationId = id });
        Assert.True(plan.Plan.Approved);
        Assert.Equal($"api-key:approver", plan.Plan.ApprovedBy);

        // Both attempts are in the audit trail as chat actions, with who, how and the outcome.
        var records = (await Operations("admin").ListAuditRecordsAsync(new ListAuditRecordsRequest { MigrationId = id })).Records
            .Where(r => r.Action == "chat:ApprovePlan").ToList();
        Assert.Contains(records, r => r.Actor == "api-key:viewer" && r.Outcome == "PermissionDenied" && r.AuthMethod == "api-key");
        Assert.Contains(records, r => r.Actor == "api-key:approver" && r.Outcome == "OK");
        Assert.Equal(2, records.Count);
    }

    private OperationsService.OperationsServiceClient Operations(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));

    private GuidanceService.GuidanceServiceClient Guidance(string role) =>
        new(fixture.Server.Channel.Intercept(m =>
        {
            m.Add("x-api-key", fixture.Keys[role]);
            return m;
        }));
}
