using Migration.Cli.Display;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class PlainProgressWriterTests
{
    [Fact]
    public void OnEvent_ManyBatches_WritesAProgressLineAtMostEveryTwoSeconds()
    {
        var clock = new TestClock();
        using var output = new StringWriter();
        var writer = new PlainProgressWriter(output, new MigrationProgress(clock), clock);
        writer.OnSnapshot(Events.Snapshot("m1", MigrationPhase.Execution, 0));
        writer.OnEvent(Events.TableStarted(1, "public.a", 10_000));

        var sequence = 2L;
        void BatchAt(double seconds, long copied)
        {
            clock.Advance(TimeSpan.FromSeconds(seconds) - (clock.GetUtcNow() - new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)));
            writer.OnEvent(Events.Batch(sequence++, "public.a", copied, 10_000));
        }

        BatchAt(0.0, 1_000);   // first: printed
        BatchAt(0.5, 2_000);
        BatchAt(1.9, 3_000);
        BatchAt(2.0, 4_000);   // 2 s after the first: printed
        BatchAt(3.9, 5_000);
        BatchAt(4.1, 6_000);   // printed
        BatchAt(4.2, 7_000);

        var progressLines = Lines(output).Where(l => l.Contains("progress:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, progressLines.Count);
        Assert.Contains("1,000/10,000 rows (10.0%)", progressLines[0], StringComparison.Ordinal);
        Assert.Contains("4,000/10,000 rows (40.0%)", progressLines[1], StringComparison.Ordinal);
        Assert.Contains("6,000/10,000 rows (60.0%)", progressLines[2], StringComparison.Ordinal);
        Assert.Contains("running: public.a 60.0%", progressLines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void OnEvent_PhaseChangesAndTableCompletions_AreNeverThrottled()
    {
        var clock = new TestClock();
        using var output = new StringWriter();
        var writer = new PlainProgressWriter(output, new MigrationProgress(clock), clock);
        var snapshot = Events.Snapshot("m1", MigrationPhase.AwaitingApproval, 0);
        snapshot.Tables.Add(new TableProgress { Table = "public.a", Status = TableStatus.Pending, RowsTotal = 2_000 });
        snapshot.Tables.Add(new TableProgress { Table = "public.b", Status = TableStatus.Pending, RowsTotal = 500 });
        writer.OnSnapshot(snapshot);

        writer.OnEvent(Events.Phase(1, MigrationPhase.AwaitingApproval, MigrationPhase.Execution, "approved"));
        writer.OnEvent(Events.TableStarted(2, "public.a", 2_000));
        writer.OnEvent(Events.Batch(3, "public.a", 2_000, 2_000));
        writer.OnEvent(Events.TableCompleted(4, "public.a", 2_000, TimeSpan.FromSeconds(2)));
        writer.OnEvent(Events.TableStarted(5, "public.b", 500));
        writer.OnEvent(Events.TableCompleted(6, "public.b", 500, TimeSpan.FromMilliseconds(500)));
        writer.OnEvent(Events.Phase(7, MigrationPhase.Execution, MigrationPhase.Validation));
        writer.OnEvent(Events.Validation(8, passed: false));

        var lines = Lines(output);
        Assert.Contains(lines, l => l.EndsWith("phase: awaiting approval -> execution (approved)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("table done: public.a: 2,000 rows in 2.0s (1.0k rows/s) [1/2 tables]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("table done: public.b: 500 rows in 500ms (1.0k rows/s) [2/2 tables]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("phase: execution -> validation", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("validation: FAILED - counts differ", StringComparison.Ordinal));
        Assert.StartsWith("[12:00:00] ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void OnConnectionLost_Interruption_SaysWhereItReattaches()
    {
        var clock = new TestClock();
        using var output = new StringWriter();
        var writer = new PlainProgressWriter(output, new MigrationProgress(clock), clock);

        writer.OnConnectionLost(new WatchInterruption(2, TimeSpan.FromSeconds(1), 41, "Unavailable: server restarting"));

        Assert.EndsWith("connection lost (Unavailable: server restarting); re-attaching after event #41 in 1.0s (attempt 2)",
            Lines(output).Single(), StringComparison.Ordinal);
    }

    private static List<string> Lines(StringWriter output) =>
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
