using Migration.Core.Events;
using Migration.Guidance.Answers;
using static Migration.Guidance.Language.Wording;

namespace Migration.Guidance.Narration;

/// <summary>
/// Turns a migration's events into narration at sensible moments: phase changes, each quarter of a table, finished
/// tables, pages much slower than the table's own average, warnings, errors and the final check. One narrator per
/// conversation stream (it keeps what it already said).
/// </summary>
public sealed class Narrator
{
    private const double SlowdownFactor = 3;
    private readonly Dictionary<string, int> _quarters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double Seconds, int Pages)> _pageTimes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _slowReported = new(StringComparer.Ordinal);

    public NarrationItem? Narrate(MigrationEvent migrationEvent)
    {
        ArgumentNullException.ThrowIfNull(migrationEvent);
        var sequence = migrationEvent.Sequence;
        switch (migrationEvent.Payload)
        {
            case PhaseChangedPayload phase:
                return new NarrationItem(NarrationKind.PhaseChanged, $"The migration is now {Phase(phase.To)}: {phase.Reason}.", sequence, []);
            case BatchCompletedPayload batch:
                return Batch(batch, sequence);
            case TableCompletedPayload completed:
                return new NarrationItem(NarrationKind.TableCompleted,
                    $"{Capital(Table(completed.Table))} is done: {Number(completed.Rows)} records in {Duration(completed.Duration)} ({Rate(completed.RowsPerSecond)} per second).",
                    sequence, [new GuidanceFigure("records", Number(completed.Rows), completed.Rows, "rows")]);
            case WarningPayload warning:
                return new NarrationItem(NarrationKind.Warning, (warning.Table is null ? "" : $"{Capital(Table(warning.Table))}: ") + warning.Message, sequence, []);
            case ErrorPayload error:
                return new NarrationItem(NarrationKind.Error,
                    $"A problem: {error.Error.Message} Options: {string.Join(", ", error.Error.RecoveryOptions)}.", sequence, []);
            case ValidationResultPayload validation:
                return new NarrationItem(NarrationKind.Validation, "Final check: " + validation.Report.Summary, sequence, []);
            default:
                return null;
        }
    }

    private NarrationItem? Batch(BatchCompletedPayload batch, long sequence)
    {
        var seconds = batch.Duration.TotalSeconds;
        var (total, pages) = _pageTimes.GetValueOrDefault(batch.Table);
        _pageTimes[batch.Table] = (total + seconds, pages + 1);
        if (pages >= 3 && seconds > SlowdownFactor * (total / pages) && seconds >= 1 && _slowReported.Add(batch.Table))
        {
            return new NarrationItem(NarrationKind.Slowdown,
                $"{Capital(Table(batch.Table))} slowed down: the last page took {Seconds(batch.Duration)}, against {total / pages:N1} s on average. The page size adapts (next: {Number(batch.NextBatchSize)} records).",
                sequence, [new GuidanceFigure("page time", Seconds(batch.Duration), seconds, "seconds")]);
        }

        if (batch.TableRowsTotal <= 0)
        {
            return null;
        }

        var quarter = (int)Math.Min(4, batch.TableRowsCopied * 4 / batch.TableRowsTotal);
        var said = _quarters.GetValueOrDefault(batch.Table);
        if (quarter <= said || quarter is 0 or 4)
        {
            return null;
        }

        _quarters[batch.Table] = quarter;
        return new NarrationItem(NarrationKind.Milestone,
            $"Migrated {Number(batch.TableRowsCopied)} of {Number(batch.TableRowsTotal)} {Table(batch.Table)} ({Percent(batch.TableRowsCopied, batch.TableRowsTotal)}).",
            sequence, [new GuidanceFigure("records copied", $"{Number(batch.TableRowsCopied)} of {Number(batch.TableRowsTotal)}", batch.TableRowsCopied, "rows")]);
    }

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
