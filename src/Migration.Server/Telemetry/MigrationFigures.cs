using Google.Protobuf.WellKnownTypes;
using Migration.Contracts.V1;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Server.Mapping;
using Domain = Migration.Core.Migrations;
using DomainEvent = Migration.Core.Events.MigrationEvent;

namespace Migration.Server.Telemetry;

/// <summary>
/// The seed's MigrationMetrics of one migration, computed from its event log and snapshot — the same answer on every
/// server instance, no metrics backend needed.
/// </summary>
public static class MigrationFigures
{
    public static MigrationMetrics Compute(MigrationSnapshot snapshot, IReadOnlyList<DomainEvent> events)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(events);
        var durations = new List<TimeSpan>();
        var tables = new Dictionary<string, (List<TimeSpan> Durations, long Rows)>(StringComparer.Ordinal);
        long errors = 0, retries = 0, retriesSucceeded = 0, rollbacks = 0, validated = 0;
        var interventions = 0;
        var retrying = false;
        DateTimeOffset? executionStarted = null, ended = null;
        ValidationResultPayload? lastValidation = null;
        foreach (var e in events)
        {
            switch (e.Payload)
            {
                case BatchCompletedPayload batch:
                    durations.Add(batch.Duration);
                    var entry = tables.TryGetValue(batch.Table, out var t) ? t : ([], 0);
                    entry.Durations.Add(batch.Duration);
                    tables[batch.Table] = (entry.Durations, entry.Rows + batch.Rows);
                    validated += batch.Validated ? 1 : 0;
                    break;
                case ErrorPayload:
                    errors++;
                    break;
                case ValidationResultPayload validation:
                    lastValidation = validation;
                    break;
                case PhaseChangedPayload phase:
                    if (phase.To is Domain.MigrationPhase.AwaitingApproval or Domain.MigrationPhase.AwaitingDecision)
                    {
                        interventions++;
                    }

                    if (phase.To is Domain.MigrationPhase.Execution && executionStarted is null)
                    {
                        executionStarted = e.OccurredAt;
                    }

                    if (phase.From == Domain.MigrationPhase.Failed && phase.To is Domain.MigrationPhase.Execution or Domain.MigrationPhase.Validation)
                    {
                        retries++;
                        retrying = true;
                    }

                    if (phase.To == Domain.MigrationPhase.RolledBack)
                    {
                        rollbacks++;
                    }

                    if (phase.To.IsTerminal())
                    {
                        ended = e.OccurredAt;
                        retriesSucceeded += retrying && phase.To == Domain.MigrationPhase.Completed ? 1 : 0;
                        retrying = false;
                    }
                    else
                    {
                        ended = null;
                    }

                    break;
            }
        }

        var sorted = durations.Order().ToList();
        var metrics = new MigrationMetrics
        {
            MigrationId = snapshot.Id,
            Phase = snapshot.Phase.ToProto(),
            RowsTotal = snapshot.RowsTotal,
            RowsCopied = snapshot.RowsCopied,
            RecordsPerSecond = snapshot.RowsPerSecond,
            BatchesCompleted = durations.Count,
            BatchesValidated = validated,
            BatchTimeMean = Duration.FromTimeSpan(sorted.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)sorted.Average(d => d.Ticks))),
            BatchTimeP50 = Duration.FromTimeSpan(Percentile(sorted, 0.50)),
            BatchTimeP95 = Duration.FromTimeSpan(Percentile(sorted, 0.95)),
            BatchTimeMax = Duration.FromTimeSpan(sorted.Count == 0 ? TimeSpan.Zero : sorted[^1]),
            Errors = errors,
            ErrorRate = durations.Count + errors == 0 ? 0 : errors / (double)(durations.Count + errors),
            Retries = retries,
            RetriesSucceeded = retriesSucceeded,
            RetrySuccessRate = retries == 0 ? 0 : retriesSucceeded / (double)retries,
            Rollbacks = rollbacks,
            DataIntegrityScore = lastValidation is { Report.Tables.Count: > 0 } v
                ? v.Report.Tables.Count(t => t.Passed) / (double)v.Report.Tables.Count
                : 0,
            UserInterventions = interventions,
            UserInterventionRequired = snapshot.Phase is Domain.MigrationPhase.AwaitingDecision
                                       || (snapshot.Phase == Domain.MigrationPhase.AwaitingApproval && !snapshot.Approved),
        };
        if (executionStarted is { } start)
        {
            metrics.StartedAt = Timestamp.FromDateTimeOffset(start);
            if (ended is { } end)
            {
                metrics.CompletionTime = Duration.FromTimeSpan(end - start);
            }
        }

        foreach (var (name, (tableDurations, rows)) in tables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var ordered = tableDurations.Order().ToList();
            var busy = ordered.Aggregate(TimeSpan.Zero, (sum, d) => sum + d);
            metrics.Tables.Add(new TableMetrics
            {
                Table = name,
                Batches = ordered.Count,
                Rows = rows,
                BatchTimeMean = Duration.FromTimeSpan(busy / ordered.Count),
                BatchTimeP95 = Duration.FromTimeSpan(Percentile(ordered, 0.95)),
                BatchTimeMax = Duration.FromTimeSpan(ordered[^1]),
                RowsPerSecond = busy > TimeSpan.Zero ? rows / busy.TotalSeconds : 0,
            });
        }

        return metrics;
    }

    /// <summary>Nearest-rank percentile of a sorted list (zero when empty).</summary>
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
