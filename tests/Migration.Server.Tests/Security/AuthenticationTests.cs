using Grpc.Core;
using Grpc.Health.V1;
using Migration.Contracts.V1;
using Migration.Server.Security;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>Who may call what, through a real channel: API keys, JWT bearer tokens, roles per RPC.</summary>
[Collection(SecuredServerCollection.Name)]
public sealed class AuthenticationTests(SecuredServerFixture fixture)
{
    private static readonly ListMigrationsRequest List = new() { PageSize = 1 };

    [Fact]
    public async Task AnyCall_NoCredentials_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("API key", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_UnknownApiKey_UnauthenticatedWithoutEchoingTheKey()
    {
        var forged = ApiKeyHash.NewKey();
        var client = fixture.Client(new Metadata { { "x-api-key", forged } });

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("API key is not known", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Logs.Lines, l => l.Contains(forged, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    [InlineData("approver")]
    [InlineData("admin")]
    public async Task ListMigrations_AnyRole_Allowed(string role)
    {
        var response = await fixture.ClientWithKey(role).ListMigrationsAsync(List);

        Assert.NotNull(response);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("approver")]
    public async Task CreateMigration_WithoutOperatorRole_PermissionDeniedNamingTheRoles(string role)
    {
        var request = MigrationRun.Request("Host=127.0.0.1;Database=x;Password=never-reached-pw", "Host=127.0.0.1;Database=y");

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.ClientWithKey(role).CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("operator", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains($"api-key:{role}", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("operator")]
    public async Task ApprovePlan_WithoutApproverRole_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.ClientWithKey(role).ApprovePlanAsync(new ApprovePlanRequest { MigrationId = "mig-unknown" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ApprovePlan_ApproverUnknownId_PassesAuthorizationAndIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.ClientWithKey("approver").ApprovePlanAsync(new ApprovePlanRequest { MigrationId = "mig-unknown" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Jwt_Valid_RolesFromTheRolesClaim()
    {
        var client = fixture.ClientWithToken(fixture.Token("alice", [MigrationRoles.Viewer]));

        await client.ListMigrationsAsync(List);
        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            client.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = "mig-unknown" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("alice", denied.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_Expired_UnauthenticatedSayingSo()
    {
        var client = fixture.ClientWithToken(fixture.Token("bob", [MigrationRoles.Admin], lifetime: TimeSpan.FromMinutes(-10)));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_SignedWithAnotherKey_Unauthenticated()
    {
        var forged = fixture.Token("mallory", [MigrationRoles.Admin], signingKey: System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.ClientWithToken(forged).ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("signature", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_OtherAudience_Unauthenticated()
    {
        var token = fixture.Token("carol", [MigrationRoles.Admin], audience: "another-service");

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.ClientWithToken(token).ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("audience", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_Garbage_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.ClientWithToken("not.a.token").ListMigrationsAsync(List).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Health_NoCredentials_Serving()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(fixture.Server.Channel);

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_NoCredentials_Unauthenticated()
    {
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(fixture.Server.Channel);
        using var call = reflection.ServerReflectionInfo();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task DevelopmentMode_ListeningBeyondLoopback_RefusesToStart()
    {
        var port = FreePort.Many(1)[0];

        var error = await Assert.ThrowsAnyAsync<Exception>(() => InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://0.0.0.0:{port}",
            ["Security:DevelopmentMode"] = "true",
        }));

        Assert.Contains("DevelopmentMode", error.ToString(), StringComparison.Ordinal);
    }
}
