using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Migration.Contracts.V1;
using Migration.Server.Telemetry;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Migration.Server.Tests.Observability;

/// <summary>
/// Health through <c>GET /healthz</c> and the gRPC health service when something is wrong: memory, CPU and disk past
/// thresholds an operator set (Degraded, then Unhealthy, each naming the threshold), a migration's source that stops
/// answering (the databases service NOT_SERVING, the server still serving) and the store that stops answering (the
/// server NOT_SERVING).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HealthTests(PostgresServer postgres, HealthServerFixture fixture) : IClassFixture<HealthServerFixture>
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Health:CpuFraction"] = "0.70",
        ["Health:MemoryUsedFraction"] = "0.80",
        ["Health:MemoryUsedCriticalFraction"] = "0.95",
        ["Health:DiskFreeFraction"] = "0.20",
        ["Health:DiskFreeCriticalFraction"] = "0.05",
    };

    private Grpc.Health.V1.Health.HealthClient GrpcHealth => new(fixture.Server.Channel);

    [Fact]
    public async Task Health_ThresholdsCrossed_DegradedThenUnhealthyNamingTheThresholds()
    {
        try
        {
            // Any use of memory and CPU, and any disk that is not empty, now crosses the warning thresholds.
            fixture.Set(new Dictionary<string, string?>(Defaults)
            {
                ["Health:CpuFraction"] = "0",
                ["Health:MemoryUsedFraction"] = "0.0001",
                ["Health:DiskFreeFraction"] = "1",
            });
            var (status, degraded) = await HttpHealthAsync();

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("Degraded", degraded["(overall)"].Status);
            Assert.Equal("Degraded", degraded["process"].Status);
            Assert.Contains("≥ Health:MemoryUsedFraction", degraded["process"].Description, StringComparison.Ordinal);
            Assert.Contains("≥ Health:CpuFraction 0 %", degraded["process"].Description, StringComparison.Ordinal);
            Assert.Equal("Degraded", degraded["disk"].Status);
            Assert.Contains("below Health:DiskFreeFraction 100 %", degraded["disk"].Description, StringComparison.Ordinal);
            await WaitForGrpcAsync("", ServingStatus.Serving); // degraded still serves

            // And past the critical ones: Unhealthy, 503, and the server's gRPC health says NOT_SERVING.
            fixture.Set(new Dictionary<string, string?> { ["Health:MemoryUsedCriticalFraction"] = "0.0001", ["Health:DiskFreeCriticalFraction"] = "1" });
            var (criticalStatus, unhealthy) = await HttpHealthAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, criticalStatus);
            Assert.Equal("Unhealthy", unhealthy["process"].Status);
            Assert.Contains("≥ Health:MemoryUsedCriticalFraction", unhealthy["process"].Description, StringComparison.Ordinal);
            Assert.Equal("Unhealthy", unhealthy["disk"].Status);
            Assert.Contains("below Health:DiskFreeCriticalFraction 100 %", unhealthy["disk"].Description, StringComparison.Ordinal);
            await WaitForGrpcAsync("", ServingStatus.NotServing);
        }
        finally
        {
            fixture.Set(Defaults);
        }

        // Back to the configured defaults without a restart (whatever this machine's disk and memory really are).
        var (_, restored) = await HttpHealthAsync();
        Assert.DoesNotContain("100 %", restored["disk"].Description, StringComparison.Ordinal);
        Assert.DoesNotContain("CpuFraction 0 %", restored["process"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_MigrationSourceStopsAnswering_DatabasesUnhealthyServerServing()
    {
        var source = await postgres.CreateDatabaseAsync("health_src");
        var target = await postgres.CreateDatabaseAsync("health_tgt");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, 'a')");
        var port = new Npgsql.NpgsqlConnectionStringBuilder(source).Port;
        await using var proxy = TcpProxy.Start(port);
        var id = (await fixture.Server.Client.CreateMigrationAsync(MigrationRun.Request(proxy.Route(source), target))).Migration.Id;

        proxy.Stall();
        try
        {
            var (status, checks) = await HttpHealthAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var (databases, description) = checks["databases"];
            Assert.Equal("Unhealthy", databases);
            Assert.True(description.Contains($"source of {id}", StringComparison.Ordinal) && description.Contains("unreachable: no answer within 1 s", StringComparison.Ordinal),
                description);
            await WaitForGrpcAsync(ObservabilityHostingExtensions.DatabasesHealthService, ServingStatus.NotServing);
            Assert.Equal(ServingStatus.Serving, (await GrpcHealth.CheckAsync(new HealthCheckRequest())).Status); // not restarted for a database
        }
        finally
        {
            proxy.Resume();
            await fixture.Server.Client.CancelMigrationAsync(new CancelMigrationRequest { MigrationId = id, Reason = "test done" });
        }

        await WaitForGrpcAsync(ObservabilityHostingExtensions.DatabasesHealthService, ServingStatus.Serving);
    }

    [Fact]
    public async Task Health_StoreStopsAnswering_StoreUnhealthyServerNotServing()
    {
        fixture.RedisProxy.Stall();
        try
        {
            var (status, checks) = await HttpHealthAsync();

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("Unhealthy", checks["store"].Status);
            Assert.Contains("store unreachable: no answer to PING within 1 s", checks["store"].Description, StringComparison.Ordinal);
            Assert.Contains("the migrations in use cannot be listed: the store did not answer within 1 s", checks["databases"].Description, StringComparison.Ordinal);
            await WaitForGrpcAsync("", ServingStatus.NotServing);
        }
        finally
        {
            fixture.RedisProxy.Resume();
        }

        await WaitForGrpcAsync("", ServingStatus.Serving);
        var (_, after) = await HttpHealthAsync();
        Assert.Equal("Healthy", after["store"].Status);
    }

    private async Task<(HttpStatusCode Status, Dictionary<string, (string Status, string Description)> Checks)> HttpHealthAsync()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await http.GetAsync(new Uri(fixture.Server.Address + ObservabilityHostingExtensions.HealthPath));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString() ?? ""));
        checks["(overall)"] = (json.RootElement.GetProperty("status").GetString()!, "");
        return (response.StatusCode, checks);
    }

    private Task WaitForGrpcAsync(string service, ServingStatus expected) =>
        WaitFor.ConditionAsync(async () => (await GrpcHealth.CheckAsync(new HealthCheckRequest { Service = service })).Status == expected,
            TimeSpan.FromSeconds(40), $"gRPC health '{service}' {expected}");
}
