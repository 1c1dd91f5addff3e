using Grpc.Core;
using Grpc.Health.V1;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests;

/// <summary>Every bad request gets the right status code and says which field and why, over a real channel.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(PostgresServer postgres, ServerFixture fixture)
{
    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    [Fact]
    public async Task CreateMigration_MalformedConnectionString_InvalidArgumentNamingTheSide()
    {
        var target = await postgres.CreateDatabaseAsync("bad_malformed_tgt");
        var request = MigrationRun.Request("Host=127.0.0.1;Bogus Key=1;Password=hunter2-malformed", target);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("source", error.Status.Detail, StringComparison.Ordinal);
        var badRequest = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>();
        Assert.Contains(badRequest.FieldViolations, v => v.Field == "source.connection_string");
        Assert.DoesNotContain("hunter2-malformed", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMigration_MissingTarget_InvalidArgument()
    {
        var source = await postgres.CreateDatabaseAsync("bad_missing_src");
        var request = MigrationRun.Request(source, "x");
        request.Target = new ConnectionSpec();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations, v => v.Field == "target");
    }

    [Fact]
    public async Task CreateMigration_UnreachableTarget_FailedPreconditionWithoutPassword()
    {
        var source = await postgres.CreateDatabaseAsync("bad_unreach_src");
        var request = MigrationRun.Request(source, "x");
        request.Target = new ConnectionSpec { Name = "unreachable" };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("target database", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-unreachable-pw", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Server.Logs.Lines, l => l.Contains("secret-unreachable-pw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateMigration_WrongPassword_FailedPreconditionNamingTheSource()
    {
        var target = await postgres.CreateDatabaseAsync("bad_auth_tgt");
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(target) { Password = "definitely-wrong-pw" }.ConnectionString;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(MigrationRun.Request(wrong, target)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("source database", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("definitely-wrong-pw", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMigration_UnknownConnectionName_InvalidArgument()
    {
        var target = await postgres.CreateDatabaseAsync("bad_name_tgt");
        var request = MigrationRun.Request("x", target);
        request.Source = new ConnectionSpec { Name = "no-such-connection" };

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("no-such-connection", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMigration_EmptySource_NothingToMigrate()
    {
        var source = await postgres.CreateDatabaseAsync("bad_empty_src");
        var target = await postgres.CreateDatabaseAsync("bad_empty_tgt");

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(MigrationRun.Request(source, target)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("Nothing to migrate", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMigration_InvalidBatchSettings_InvalidArgumentWithFields()
    {
        var source = await postgres.CreateDatabaseAsync("bad_batch_src");
        var target = await postgres.CreateDatabaseAsync("bad_batch_tgt");
        var request = MigrationRun.Request(source, target, o => o.Batch = new BatchSettings { BaseBatchSize = 100, MinBatchSize = 500, MaxBatchSize = 50 });

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateMigrationAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations,
            v => v.Field.StartsWith("options.batch.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("get")]
    [InlineData("start")]
    [InlineData("pause")]
    [InlineData("watch")]
    [InlineData("validate")]
    public async Task AnyCall_UnknownMigrationId_NotFound(string call)
    {
        const string id = "mig-does-not-exist";
        Task action = call switch
        {
            "get" => Client.GetMigrationAsync(new GetMigrationRequest { MigrationId = id }).ResponseAsync,
            "start" => Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = id }).ResponseAsync,
            "pause" => Client.PauseMigrationAsync(new PauseMigrationRequest { MigrationId = id }).ResponseAsync,
            "validate" => Client.ValidateMigrationAsync(new ValidateMigrationRequest { MigrationId = id }).ResponseAsync,
            _ => MigrationRun.WatchToEndAsync(Client, id, 0, TimeSpan.FromSeconds(10)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => action);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task StartMigration_Finished_FailedPrecondition()
    {
        var source = await postgres.CreateDatabaseAsync("bad_twice_src");
        var target = await postgres.CreateDatabaseAsync("bad_twice_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10);");
        var (migration, _) = await MigrationRun.RunAsync(Client, MigrationRun.Request(source, target));
        Assert.Equal(MigrationPhase.Completed, migration.Phase);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = migration.Id }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("completed", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartMigration_NotApproved_FailedPrecondition()
    {
        var source = await postgres.CreateDatabaseAsync("bad_unapproved_src");
        var target = await postgres.CreateDatabaseAsync("bad_unapproved_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY);");
        var created = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.StartMigrationAsync(new StartMigrationRequest { MigrationId = created.Migration.Id }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("approv", error.Status.Detail, StringComparison.Ordinal);
        await Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = created.Migration.Id });
    }

    [Fact]
    public async Task CreateMigration_SamePairTwice_AttachesToTheUnfinishedOne()
    {
        var source = await postgres.CreateDatabaseAsync("bad_pair_src");
        var target = await postgres.CreateDatabaseAsync("bad_pair_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE t (id int PRIMARY KEY);");
        var first = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));

        var second = await Client.CreateMigrationAsync(MigrationRun.Request(source, target));

        Assert.True(second.AttachedToExisting);
        Assert.Equal(first.Migration.Id, second.Migration.Id);
        await Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = first.Migration.Id });
    }

    [Fact]
    public async Task Health_Serving()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(fixture.Server.Channel);

        var response = await WaitFor.ConditionAsync(
            async () => await health.CheckAsync(new HealthCheckRequest()),
            r => r.Status != HealthCheckResponse.Types.ServingStatus.Unknown,
            TimeSpan.FromSeconds(30),
            "the first health report");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }
}
