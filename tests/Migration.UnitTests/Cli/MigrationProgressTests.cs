using Migration.Cli.Display;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class MigrationProgressTests
{
    [Fact]
    public void Apply_PlanThenEvents_TracksTotalsRateAndEta()
    {
        var progress = new MigrationProgress(new TestClock());
        progress.ApplyPlan(new MigrationPlan
        {
            Waves =
            {
                new PlanWave { Number = 1, Tables = { new PlannedTable { Table = "public.a", EstimatedRows = 10_000 } } },
                new PlanWave { Number = 2, Tables = { new PlannedTable { Table = "public.b", EstimatedRows = 10_000 } } },
            },
        });
        progress.ApplySnapshot(Events.Snapshot("m1", MigrationPhase.Execution, 0));

        // Events are one second apart: 2,000 rows per second on public.a.
        progress.Apply(Events.TableStarted(1, "public.a", 10_000));
        progress.Apply(Events.Batch(2, "public.a", 2_000, 10_000));
        progress.Apply(Events.Batch(3, "public.a", 4_000, 10_000));

        Assert.Equal(20_000, progress.RowsTotal);
        Assert.Equal(4_000, progress.RowsCopied);
        Assert.Equal(2, progress.Tables.Count);
        var table = progress.Find("public.a")!;
        Assert.Equal(TableStatus.Running, table.Status);
        Assert.Equal(2_000, table.RowsPerSecond, 3);
        Assert.Equal(TimeSpan.FromSeconds(3), table.EstimatedRemaining);
        Assert.Equal(2_000, progress.RowsPerSecond, 3);
        Assert.Equal(TimeSpan.FromSeconds(8), progress.EstimatedRemaining);
        Assert.Equal(TableStatus.Pending, progress.Find("public.b")!.Status);
    }

    [Fact]
    public void Apply_ReplayedBatchAfterSnapshot_NeverMovesRowsBackwards()
    {
        var progress = new MigrationProgress(new TestClock());
        var snapshot = Events.Snapshot("m1", MigrationPhase.Execution, 9);
        snapshot.Tables.Add(new TableProgress { Table = "public.a", Status = TableStatus.Running, RowsTotal = 10_000, RowsCopied = 8_000 });
        progress.ApplySnapshot(snapshot);

        progress.Apply(Events.Batch(3, "public.a", 4_000, 10_000));

        Assert.Equal(8_000, progress.RowsCopied);
    }

    [Fact]
    public void Apply_TableCompleted_UsesItsDurationForTheRate()
    {
        var progress = new MigrationProgress(new TestClock());
        progress.Apply(Events.TableStarted(1, "public.a", 3_000));
        progress.Apply(Events.TableCompleted(2, "public.a", 3_000, TimeSpan.FromSeconds(2)));

        var table = progress.Find("public.a")!;
        Assert.Equal(TableStatus.Completed, table.Status);
        Assert.Equal(1_500, table.RowsPerSecond, 3);
        Assert.Equal(TimeSpan.Zero, table.EstimatedRemaining);
        Assert.Equal(1, progress.TablesCompleted);
    }
}
