using Google.Protobuf.WellKnownTypes;
using Migration.Contracts.V1;
using MigrationInfo = Migration.Contracts.V1.Migration;

namespace Migration.UnitTests.Cli;

/// <summary>Builders for contract events, stamped one second apart.</summary>
internal static class Events
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static MigrationEvent Phase(long sequence, MigrationPhase from, MigrationPhase to, string reason = "") =>
        Stamp(sequence, new MigrationEvent { PhaseChanged = new PhaseChanged { From = from, To = to, Reason = reason } });

    public static MigrationEvent TableStarted(long sequence, string table, long total) =>
        Stamp(sequence, new MigrationEvent { TableStarted = new TableStarted { Table = table, RowsTotal = total, Wave = 1, WritePath = WritePath.PassThrough } });

    public static MigrationEvent Batch(long sequence, string table, long copied, long total, long rows = 1000) =>
        Stamp(sequence, new MigrationEvent
        {
            BatchCompleted = new BatchCompleted
            {
                Table = table, BatchId = $"b{sequence}", Rows = rows, TableRowsCopied = copied, TableRowsTotal = total,
                Duration = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(100)), RowsPerSecond = 10_000,
            },
        });

    public static MigrationEvent TableCompleted(long sequence, string table, long rows, TimeSpan took) =>
        Stamp(sequence, new MigrationEvent
        {
            TableCompleted = new TableCompleted { Table = table, Rows = rows, Duration = Duration.FromTimeSpan(took), RowsPerSecond = rows / took.TotalSeconds },
        });

    public static MigrationEvent Validation(long sequence, bool passed) =>
        Stamp(sequence, new MigrationEvent { ValidationResult = new ValidationReport { Passed = passed, Summary = passed ? "all good" : "counts differ" } });

    public static MigrationInfo Snapshot(string id, MigrationPhase phase, long lastSequence) =>
        new() { Id = id, Phase = phase, LastEventSequence = lastSequence };

    private static MigrationEvent Stamp(long sequence, MigrationEvent migrationEvent)
    {
        migrationEvent.MigrationId = "m1";
        migrationEvent.Sequence = sequence;
        migrationEvent.OccurredAt = Timestamp.FromDateTimeOffset(Start.AddSeconds(sequence));
        migrationEvent.Agent = "test";
        return migrationEvent;
    }
}
