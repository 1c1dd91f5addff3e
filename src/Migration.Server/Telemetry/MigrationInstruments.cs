using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Migration.Server.Telemetry;

/// <summary>
/// The migration metrics (Meter <see cref="MeterName"/>) and spans (ActivitySource <see cref="SourceName"/>), all
/// labelled by migration id (<c>migration.id</c>) and, where there is one, table (<c>migration.table</c>):
/// <list type="bullet">
/// <item><c>migration.batch.duration</c> (s, histogram): time of each committed page (seed: batchProcessingTime).</item>
/// <item><c>migration.batch.rows</c> ({row}, histogram) and <c>migration.rows.copied</c> ({row}, counter; its rate is
/// records per second).</item>
/// <item><c>migration.errors</c> ({error}, counter; with <c>migration.table</c> (empty for errors of the whole
/// migration), <c>migration.operation</c>, <c>error.sql_state</c>, <c>migration.escalation_level</c>): error rate against
/// <c>migration.batches</c>.</item>
/// <item><c>migration.retries</c> ({retry}, counter; <c>migration.retry.outcome</c> = started|succeeded): resumes after
/// a failure and how many completed (retry success rate).</item>
/// <item><c>migration.rollbacks</c> ({rollback}, counter): rollback frequency.</item>
/// <item><c>migration.integrity.score</c> (gauge 0..1): tables that passed the full validation / tables validated.</item>
/// <item><c>migration.completion.duration</c> (s, histogram; <c>migration.outcome</c>): execution start to the end (a failure is recorded, and a resumed run is measured again from the same start).</item>
/// <item><c>migration.user_interventions</c> ({intervention}, counter; <c>migration.intervention</c> =
/// approval|decision): times a person was needed.</item>
/// <item><c>migration.phase.transitions</c> (counter; <c>migration.phase.from</c>/<c>to</c>).</item>
/// </list>
/// Memory, GC and thread pool come from the runtime's own meter (System.Runtime), connection pools from Npgsql's,
/// gRPC calls from ASP.NET Core's (Microsoft.AspNetCore.Hosting, Kestrel).
/// </summary>
public sealed class MigrationInstruments : IDisposable
{
    public const string MeterName = "Migration.Migrations";
    public const string SourceName = "Migration.Migrations";

    private readonly Meter _meter;

    public MigrationInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        BatchDuration = _meter.CreateHistogram<double>("migration.batch.duration", "s", "Time to read, write, validate and commit one page",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        BatchRows = _meter.CreateHistogram<long>("migration.batch.rows", "{row}", "Rows in one committed page");
        Batches = _meter.CreateCounter<long>("migration.batches", "{batch}", "Pages committed");
        RowsCopied = _meter.CreateCounter<long>("migration.rows.copied", "{row}", "Rows committed to the target");
        Errors = _meter.CreateCounter<long>("migration.errors", "{error}", "Errors reported by the agents");
        Retries = _meter.CreateCounter<long>("migration.retries", "{retry}", "Resumes after a failure, and those that completed");
        Rollbacks = _meter.CreateCounter<long>("migration.rollbacks", "{rollback}", "Migrations rolled back");
        IntegrityScore = _meter.CreateGauge<double>("migration.integrity.score", "1", "Tables that passed the full validation / tables validated");
        CompletionDuration = _meter.CreateHistogram<double>("migration.completion.duration", "s", "Execution start to the end of a migration");
        UserInterventions = _meter.CreateCounter<long>("migration.user_interventions", "{intervention}", "Times a person had to approve or decide");
        PhaseTransitions = _meter.CreateCounter<long>("migration.phase.transitions", "{transition}", "Phase changes");
        TablesCompleted = _meter.CreateCounter<long>("migration.tables.completed", "{table}", "Tables copied completely");
    }

    public static ActivitySource Source { get; } = new(SourceName);

    public Histogram<double> BatchDuration { get; }

    public Histogram<long> BatchRows { get; }

    public Counter<long> Batches { get; }

    public Counter<long> RowsCopied { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Rollbacks { get; }

    public Gauge<double> IntegrityScore { get; }

    public Histogram<double> CompletionDuration { get; }

    public Counter<long> UserInterventions { get; }

    public Counter<long> PhaseTransitions { get; }

    public Counter<long> TablesCompleted { get; }

    public void Dispose() => _meter.Dispose();
}
