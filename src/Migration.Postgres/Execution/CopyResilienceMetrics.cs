using System.Diagnostics.Metrics;

namespace Migration.Postgres.Execution;

/// <summary>
/// Counters of the copy's self-recovery (seed L1), Meter <see cref="MeterName"/>:
/// <list type="bullet">
/// <item><c>migration.copy.retries</c> ({retry}; <c>error.sql_state</c>, <c>migration.table</c>): pages retried after a
/// transient failure.</item>
/// <item><c>migration.copy.isolations</c> ({page}; <c>migration.table</c>): pages bisected after a data error.</item>
/// <item><c>migration.copy.rows.quarantined</c> ({row}; <c>error.sql_state</c>, <c>migration.table</c>): rows set aside.</item>
/// <item><c>migration.copy.budget.exhausted</c> ({table}; <c>migration.table</c>): error budgets exhausted (escalated).</item>
/// </list>
/// </summary>
public sealed class CopyResilienceMetrics : IDisposable
{
    public const string MeterName = "Migration.Copy";

    private readonly Meter _meter;

    public CopyResilienceMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Retries = _meter.CreateCounter<long>("migration.copy.retries", "{retry}", "Pages retried after a transient failure");
        Isolations = _meter.CreateCounter<long>("migration.copy.isolations", "{page}", "Pages bisected to isolate bad rows");
        RowsQuarantined = _meter.CreateCounter<long>("migration.copy.rows.quarantined", "{row}", "Rows set aside in the quarantine");
        BudgetsExhausted = _meter.CreateCounter<long>("migration.copy.budget.exhausted", "{table}", "Error budgets exhausted");
    }

    public Counter<long> Retries { get; }

    public Counter<long> Isolations { get; }

    public Counter<long> RowsQuarantined { get; }

    public Counter<long> BudgetsExhausted { get; }

    public void Dispose() => _meter.Dispose();
}
