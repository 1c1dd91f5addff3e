using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Grpc.Health.V1;
using Migration.Contracts.V1;
using Migration.Server.Telemetry;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Observability;

/// <summary>Metrics, spans, GetMetrics and health of a real server during a real migration.</summary>
[Collection(ServerCollection.Name)]
public sealed class ObservabilityTests(PostgresServer postgres, ServerFixture fixture)
{
    private MigrationService.MigrationServiceClient Client => fixture.Server.Client;

    private OperationsService.OperationsServiceClient Operations => new(fixture.Server.Channel);

    [Fact]
    public async Task Run_SmallMigration_MetersBatchesAndSpansLinkedToAgentCalls()
    {
        var measurements = new ConcurrentBag<(string Instrument, double Value, string? Migration)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MigrationInstruments.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Add((i.Name, v, MigrationOf(tags))));
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Add((i.Name, v, MigrationOf(tags))));
        meters.Start();
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MigrationInstruments.SourceName || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);

        var (id, migration) = await RunSmallAsync("obs_meter", rows: 3000);

        var mine = measurements.Where(m => m.Migration == id).ToList();
        var batches = mine.Count(m => m.Instrument == "migration.batch.duration");
        Assert.True(batches >= 3, $"{batches} batch durations recorded");
        Assert.Equal(3000, mine.Where(m => m.Instrument == "migration.rows.copied").Sum(m => m.Value));
        Assert.Contains(mine, m => m.Instrument == "migration.integrity.score" && m.Value == 1.0);
        Assert.Contains(mine, m => m.Instrument == "migration.user_interventions");
        Assert.Contains(mine, m => m.Instrument == "migration.completion.duration" && m.Value > 0);
        var batchSpans = spans.Where(s => s.OperationName == "migration.batch" && Equals(s.GetTagItem("migration.id"), id)).ToList();
        Assert.Equal(batches, batchSpans.Count);
        Assert.All(batchSpans, s => Assert.NotEqual(default, s.ParentSpanId));
        Assert.All(batchSpans, s => Assert.True(s.Duration > TimeSpan.Zero));
        Assert.Equal(MigrationPhase.Completed, migration.Phase);
    }

    [Fact]
    public async Task GetMetrics_CompletedMigration_SeedFiguresFromItsEvents()
    {
        var (id, migration) = await RunSmallAsync("obs_figures", rows: 2000);

        var response = await Operations.GetMetricsAsync(new GetMetricsRequest { MigrationId = id });

        var figures = response.Migration;
        Assert.Equal(id, figures.MigrationId);
        Assert.Equal(MigrationPhase.Completed, figures.Phase);
        Assert.Equal(2000, figures.RowsCopied);
        Assert.True(figures.BatchesCompleted > 0);
        Assert.Equal(figures.BatchesCompleted, figures.Tables.Sum(t => t.Batches));
        Assert.Equal(2000, figures.Tables.Sum(t => t.Rows));
        Assert.True(figures.BatchTimeP95.ToTimeSpan() >= figures.BatchTimeP50.ToTimeSpan());
        Assert.True(figures.BatchTimeMax.ToTimeSpan() >= figures.BatchTimeP95.ToTimeSpan());
        Assert.Equal(1.0, figures.DataIntegrityScore);
        Assert.Equal(0, figures.Errors);
        Assert.Equal(0, figures.ErrorRate);
        Assert.True(figures.CompletionTime.ToTimeSpan() > TimeSpan.Zero);
        Assert.True(figures.UserInterventions >= 1);
        Assert.False(figures.UserInterventionRequired);
        Assert.True(response.Server.WorkingSetBytes > 0);
        Assert.True(response.Server.MemoryLimitBytes > 0);
        Assert.True(response.Server.DiskFreeBytes > 0);
        Assert.Equal(["databases", "disk", "process", "store"], response.Server.Checks.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(migration.RowsCopied, figures.RowsCopied);
    }

    [Fact]
    public async Task GetMetrics_UnknownMigration_NotFound()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            Operations.GetMetricsAsync(new GetMetricsRequest { MigrationId = "mig-unknown" }).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task HttpHealth_UnreachableNamedConnection_DegradedWithReasonAndNoPassword()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.GetAsync(new Uri(fixture.Server.Address + ObservabilityHostingExtensions.HealthPath));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        var databases = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "databases");
        Assert.Equal("Degraded", databases.GetProperty("status").GetString());
        Assert.Contains("connection 'unreachable'", databases.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-unreachable-pw", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcHealth_DatabasesService_ReportsSeparatelyFromTheServer()
    {
        var health = new Grpc.Health.V1.Health.HealthClient(fixture.Server.Channel);

        var server = await health.CheckAsync(new HealthCheckRequest());
        var databases = await health.CheckAsync(new HealthCheckRequest { Service = ObservabilityHostingExtensions.DatabasesHealthService });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, server.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, databases.Status); // degraded still serves
    }

    private async Task<(string Id, Contracts.V1.Migration Migration)> RunSmallAsync(string prefix, int rows)
    {
        var source = await postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await postgres.CreateDatabaseAsync(prefix + "_tgt");
        await PostgresServer.ExecuteAsync(source, $"""
            CREATE TABLE readings (id bigint PRIMARY KEY, sensor text NOT NULL, value double precision NOT NULL);
            INSERT INTO readings SELECT g, 'sensor ' || (g % 10), g * 0.5 FROM generate_series(1, {rows}) g;
            """);
        var request = MigrationRun.Request(source, target, o => o.Batch = new BatchSettings { BaseBatchSize = 500, MinBatchSize = 100, MaxBatchSize = 500 });
        var (migration, _) = await MigrationRun.RunAsync(Client, request);
        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        return (migration.Id, migration);
    }

    private static string? MigrationOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "migration.id")
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
