using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Migration.Contracts.V1;
using Migration.Server.Telemetry;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Observability;

/// <summary>
/// Spans through the server's own tracing pipeline (an in-memory exporter added to it), and the error, retry and
/// rollback metrics of a migration that really fails on a target rule, is resumed after the fix, and is rolled back.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TelemetryPipelineTests(PostgresServer postgres, TelemetryServerFixture fixture) : IClassFixture<TelemetryServerFixture>
{
    [Fact]
    public async Task Run_SmallMigration_BatchSpansUnderTheAgentsSpansWithNpgsqlAndGrpcServerSpans()
    {
        var source = await postgres.CreateDatabaseAsync("trace_src");
        var target = await postgres.CreateDatabaseAsync("trace_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE readings (id bigint PRIMARY KEY, value double precision NOT NULL);
            INSERT INTO readings SELECT g, g * 0.5 FROM generate_series(1, 2000) g;
            """);
        var request = MigrationRun.Request(source, target, o => o.Batch = new BatchSettings { BaseBatchSize = 500, MinBatchSize = 100, MaxBatchSize = 500 });

        var (migration, _) = await MigrationRun.RunAsync(fixture.Server.Client, request);

        Assert.True(migration.Phase == MigrationPhase.Completed, $"phase {migration.Phase}: {migration.ErrorMessage}");
        var spans = await WaitFor.ConditionAsync(() => Task.FromResult(fixture.Spans.Snapshot()),
            s => BatchSpans(s, migration.Id).Count >= 4 && BatchSpans(s, migration.Id).All(b => s.Any(p => p.SpanId == b.ParentSpanId)),
            TimeSpan.FromSeconds(20), "the batch spans and their parents exported");
        var batches = BatchSpans(spans, migration.Id);
        var trace = Assert.Single(batches.Select(b => b.TraceId).Distinct());
        var byId = spans.Where(s => s.TraceId == trace).GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        foreach (var batch in batches)
        {
            // batch ← the orchestrator receiving the copy agent's report ← the copy agent's task ← … ← the StartMigration call.
            var chain = new List<Activity>();
            for (var span = batch; span is not null; span = span.ParentSpanId == default ? null : byId.GetValueOrDefault(span.ParentSpanId))
            {
                chain.Add(span);
            }

            Assert.Equal("IOrchestratorGrain/ReportBatchAsync", chain[1].OperationName);
            Assert.Equal(ActivityKind.Server, chain[1].Kind);
            Assert.StartsWith("tablecopy/" + migration.Id, chain[1].GetTagItem("orleans.rpc.source_id") as string, StringComparison.Ordinal);
            Assert.Contains(chain, s => s.OperationName == "ITableCopyGrain/StartAsync" && s.Kind == ActivityKind.Server);
            var root = chain[^1];
            Assert.Equal(default, root.ParentSpanId);
            Assert.Equal("Microsoft.AspNetCore", root.Source.Name);
            Assert.Equal(ActivityKind.Server, root.Kind);
            Assert.Equal("/migration.v1.MigrationService/StartMigration", root.GetTagItem("grpc.method"));
        }

        // The copy's reads and writes are Npgsql spans of the same trace, on the source and on the target.
        var database = spans.Where(s => s.TraceId == trace && s.Source.Name == "Npgsql").Select(s => s.GetTagItem("db.namespace") as string).ToHashSet();
        Assert.Contains(new Npgsql.NpgsqlConnectionStringBuilder(source).Database, database);
        Assert.Contains(new Npgsql.NpgsqlConnectionStringBuilder(target).Database, database);

        // Every gRPC call the client made is a server span of its own, and no span carries the database password.
        var calls = spans.Where(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server).Select(s => s.GetTagItem("grpc.method") as string).ToHashSet();
        Assert.Contains("/migration.v1.MigrationService/CreateMigration", calls);
        Assert.Contains("/migration.v1.MigrationService/WatchMigration", calls);
        var password = new Npgsql.NpgsqlConnectionStringBuilder(postgres.AdminConnectionString).Password;
        Assert.False(string.IsNullOrEmpty(password));
        Assert.DoesNotContain(spans, s => s.Tags.Any(t => t.Value?.Contains(password, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task FailResumeRollback_TargetRuleBroken_ErrorRetryAndRollbackMetered()
    {
        var source = await postgres.CreateDatabaseAsync("metrics_err_src");
        var target = await postgres.CreateDatabaseAsync("metrics_err_tgt");
        await PostgresServer.ExecuteAsync(source, """
            CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);
            INSERT INTO items SELECT g, CASE WHEN g = 300 THEN -1 ELSE g END FROM generate_series(1, 600) g;
            """);
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL CONSTRAINT qty_positive CHECK (qty > 0))");
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MigrationInstruments.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        meters.Start();
        var client = fixture.Server.Client;

        // The target refuses row 300 and the error budget is 0: the migration fails on the table.
        var (failed, events) = await MigrationRun.RunAsync(client, MigrationRun.Request(source, target, o => o.Batch = new BatchSettings { BaseBatchSize = 200, MinBatchSize = 100, MaxBatchSize = 200 }));
        Assert.Equal(MigrationPhase.Failed, failed.Phase);
        Assert.Contains(events, e => e.KindCase == MigrationEvent.KindOneofCase.Error && e.Error.SqlState == "23514");

        // The rule is fixed and the migration resumed: a retry that succeeds. Then it is rolled back.
        await PostgresServer.ExecuteAsync(target, "ALTER TABLE items DROP CONSTRAINT qty_positive");
        await client.ResumeMigrationAsync(new ResumeMigrationRequest { MigrationId = failed.Id });
        await MigrationRun.WatchToEndAsync(client, failed.Id, events[^1].Sequence, TimeSpan.FromMinutes(2));
        var resumed = (await client.GetMigrationAsync(new GetMigrationRequest { MigrationId = failed.Id })).Migration;
        Assert.True(resumed.Phase == MigrationPhase.Completed, $"phase {resumed.Phase}: {resumed.ErrorMessage}");
        var rollback = await new RecoveryService.RecoveryServiceClient(fixture.Server.Channel)
            .RollbackMigrationAsync(new RollbackMigrationRequest { MigrationId = failed.Id, Reason = "metrics test" });
        Assert.True(rollback.Verified, rollback.Summary);

        var mine = measurements.Where(m => Equals(m.Tags.GetValueOrDefault("migration.id"), failed.Id)).ToList();
        // The copy agent's errors (level 2, tried again by the orchestrator) carry the table; the migration's own failure
        // (level 3, the escalation) is about no single table.
        var errors = mine.Where(m => m.Instrument == "migration.errors").ToList();
        var copyErrors = errors.Where(m => Equals(m.Tags["migration.escalation_level"], 2)).ToList();
        Assert.NotEmpty(copyErrors);
        Assert.All(copyErrors, m => Assert.Equal("public.items", m.Tags["migration.table"]));
        Assert.All(copyErrors, m => Assert.Equal("23514", m.Tags["error.sql_state"]));
        var escalation = Assert.Single(errors, m => Equals(m.Tags["migration.escalation_level"], 3));
        Assert.Equal("", escalation.Tags["migration.table"]);
        var retries = mine.Where(m => m.Instrument == "migration.retries").Select(m => m.Tags["migration.retry.outcome"] as string).ToList();
        Assert.Equal(["started", "succeeded"], retries);
        Assert.Single(mine, m => m.Instrument == "migration.rollbacks");
        var completion = mine.Where(m => m.Instrument == "migration.completion.duration").ToList();
        Assert.Equal(["Failed", "Completed"], completion.Select(m => m.Tags["migration.outcome"] as string));
        Assert.True(completion[1].Value > completion[0].Value, "the resumed run is measured from the first start");

        // GetMetrics computes the same figures from the event log.
        var figures = (await new OperationsService.OperationsServiceClient(fixture.Server.Channel)
            .GetMetricsAsync(new GetMetricsRequest { MigrationId = failed.Id })).Migration;
        Assert.Equal(errors.Count, figures.Errors);
        Assert.True(figures.ErrorRate > 0);
        Assert.Equal(1, figures.Retries);
        Assert.Equal(1, figures.RetriesSucceeded);
        Assert.Equal(1.0, figures.RetrySuccessRate);
        Assert.Equal(1, figures.Rollbacks);
        Assert.Equal(MigrationPhase.RolledBack, figures.Phase);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private static List<Activity> BatchSpans(IReadOnlyList<Activity> spans, string id) =>
        spans.Where(s => s.OperationName == "migration.batch" && Equals(s.GetTagItem("migration.id"), id)).ToList();
}
