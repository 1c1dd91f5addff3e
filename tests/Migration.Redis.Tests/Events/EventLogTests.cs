using System.Collections.Concurrent;
using System.Diagnostics;
using Migration.Core.Agents;
using Migration.Core.Events;
using Migration.Core.Migrations;
using Migration.Redis.Events;
using Migration.Redis.Tests.Infrastructure;

namespace Migration.Redis.Tests.Events;

public abstract class EventLogTests(string connectionString) : StoreTestBase(connectionString)
{
    private RedisMigrationEventLog NewLog(string test, Action<RedisOptions>? configure = null) =>
        new(Redis, NewOptions(test, configure), TimeProvider.System);

    [Fact]
    public async Task AppendAsync_ConcurrentAppendsFromManyTasks_SequencesAreGapFreeAndReadBackInOrder()
    {
        var log = NewLog(nameof(AppendAsync_ConcurrentAppendsFromManyTasks_SequencesAreGapFreeAndReadBackInOrder));
        var id = NewMigrationId();
        const int Tasks = 8, PerTask = 200, Total = Tasks * PerTask;

        // A reader follows the cursor while the writers append: it must never skip an event.
        using var stop = new CancellationTokenSource();
        var followed = new List<long>();
        var follower = Task.Run(async () =>
        {
            long cursor = 0;
            while (cursor < Total)
            {
                var page = await log.ReadAsync(id, cursor, 100);
                foreach (var e in page)
                {
                    followed.Add(e.Sequence);
                    cursor = e.Sequence;
                }

                if (page.Count == 0)
                {
                    await log.WaitForEventsAsync(id, cursor, TimeSpan.FromSeconds(1), stop.Token);
                }
            }
        });

        var appended = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                var e = await log.AppendAsync(id, AgentId.MigrationExecution, new WarningPayload($"t{t}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                appended.Add(e.Sequence);
            }
        })));

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), appended.Order());
        Assert.Equal(Total, await log.LastSequenceAsync(id));

        var all = new List<MigrationEvent>();
        long after = 0;
        while (true)
        {
            var page = await log.ReadAsync(id, after, 500);
            if (page.Count == 0)
            {
                break;
            }

            all.AddRange(page);
            after = page[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.All(all, e => Assert.Equal(id, e.MigrationId));

        // Each writer's events are in the order it appended them.
        foreach (var group in all.Select(e => (WarningPayload)e.Payload).GroupBy(p => p.Table))
        {
            Assert.Equal(Enumerable.Range(0, PerTask).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), group.Select(p => p.Message));
        }

        await follower.WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), followed);
    }

    [Fact]
    public async Task ReadAsync_FromCursor_ReturnsLaterEventsUpToMax()
    {
        var log = NewLog(nameof(ReadAsync_FromCursor_ReturnsLaterEventsUpToMax));
        var id = NewMigrationId();
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, $"event {i}"));
        }

        var page = await log.ReadAsync(id, 4, 3);

        Assert.Equal([5L, 6L, 7L], page.Select(e => e.Sequence));
        Assert.Equal(["event 5", "event 6", "event 7"], page.Select(e => ((WarningPayload)e.Payload).Message));
        Assert.Empty(await log.ReadAsync(id, 10, 100));
        Assert.Empty(await log.ReadAsync(NewMigrationId(), 0, 100));
        Assert.Equal(0, await log.LastSequenceAsync(NewMigrationId()));
    }

    [Fact]
    public async Task AppendAsync_EveryPayloadKind_RoundTripsThroughJson()
    {
        var log = NewLog(nameof(AppendAsync_EveryPayloadKind_RoundTripsThroughJson));
        var id = NewMigrationId();
        var error = new ErrorContext(AgentId.MigrationExecution, MigrationPhase.Execution, "copy", "b-7", 500, "duplicate key", "23505",
            "orders_pkey", "Key (id)=(5) already exists.", ["retry", "skip"], "copying orders", 2);
        EventPayload[] payloads =
        [
            new PhaseChangedPayload(MigrationPhase.Planning, MigrationPhase.Mapping, "plan ready"),
            new TableStartedPayload("public.orders", 1000, 200, WritePath.PassThrough, 2),
            new BatchCompletedPayload("public.orders", "b-1", 500, TimeSpan.FromMilliseconds(1234.5), 700, 1000, 800, 405.2, true),
            new TableCompletedPayload("public.orders", 1000, TimeSpan.FromSeconds(3), 333.3),
            new WarningPayload("public.orders", "slow"),
            new ErrorPayload(error),
        ];
        foreach (var payload in payloads)
        {
            await log.AppendAsync(id, AgentId.Validation, payload);
        }

        var read = await log.ReadAsync(id, 0, 100);

        Assert.Equal(payloads.Length, read.Count);
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i].GetType(), read[i].Payload.GetType());
            Assert.Equal(AgentId.Validation, read[i].Agent);
        }

        Assert.Equal(payloads[0], read[0].Payload);
        Assert.Equal(payloads[1], read[1].Payload);
        Assert.Equal(payloads[2], read[2].Payload);
        Assert.Equal(payloads[3], read[3].Payload);
        Assert.Equal(payloads[4], read[4].Payload);
        var readError = ((ErrorPayload)read[5].Payload).Error;
        Assert.Equal(error with { RecoveryOptions = readError.RecoveryOptions }, readError);
        Assert.Equal(error.RecoveryOptions, readError.RecoveryOptions);
    }

    [Fact]
    public async Task AppendAsync_MoreThanKept_TrimsOldestAndKeepsSequence()
    {
        var log = NewLog(nameof(AppendAsync_MoreThanKept_TrimsOldestAndKeepsSequence), o => o.MaxEventsPerMigration = 5);
        var id = NewMigrationId();
        for (var i = 1; i <= 8; i++)
        {
            await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, $"event {i}"));
        }

        var read = await log.ReadAsync(id, 0, 100);

        Assert.Equal([4L, 5L, 6L, 7L, 8L], read.Select(e => e.Sequence));
        Assert.Equal(8, await log.LastSequenceAsync(id));
        Assert.Equal(9, (await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "event 9"))).Sequence);
    }

    [Fact]
    public async Task WaitForEventsAsync_AppendWhileWaiting_CompletesBeforeTimeout()
    {
        var log = NewLog(nameof(WaitForEventsAsync_AppendWhileWaiting_CompletesBeforeTimeout));
        var id = NewMigrationId();
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "first"));

        var stopwatch = Stopwatch.StartNew();
        var wait = log.WaitForEventsAsync(id, 1, TimeSpan.FromMinutes(2));
        Assert.False(wait.IsCompleted);
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "second"));
        await wait.WaitAsync(Patience);

        Assert.True(stopwatch.Elapsed < Patience);
        Assert.Equal(2, (await log.ReadAsync(id, 1, 10)).Single().Sequence);
    }

    [Fact]
    public async Task WaitForEventsAsync_ManyWatchersOneAppend_AllWoken()
    {
        var log = NewLog(nameof(WaitForEventsAsync_ManyWatchersOneAppend_AllWoken));
        var id = NewMigrationId();
        var waits = Enumerable.Range(0, 20).Select(_ => log.WaitForEventsAsync(id, 0, TimeSpan.FromMinutes(2))).ToList();

        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "wake up"));

        await Task.WhenAll(waits).WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitForEventsAsync_NoAppend_CompletesAtTimeout()
    {
        var log = NewLog(nameof(WaitForEventsAsync_NoAppend_CompletesAtTimeout));
        var id = NewMigrationId();
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "only"));

        var stopwatch = Stopwatch.StartNew();
        await log.WaitForEventsAsync(id, 1, TimeSpan.FromMilliseconds(400)).WaitAsync(Patience);

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(350), $"returned after {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task WaitForEventsAsync_EventAlreadyAfterCursor_CompletesAtOnce()
    {
        var log = NewLog(nameof(WaitForEventsAsync_EventAlreadyAfterCursor_CompletesAtOnce));
        var id = NewMigrationId();
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "one"));
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "two"));

        await log.WaitForEventsAsync(id, 1, TimeSpan.FromMinutes(2)).WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitForEventsAsync_Cancelled_ThrowsOperationCanceled()
    {
        var log = NewLog(nameof(WaitForEventsAsync_Cancelled_ThrowsOperationCanceled));
        var id = NewMigrationId();
        using var cancellation = new CancellationTokenSource();

        var wait = log.WaitForEventsAsync(id, 0, TimeSpan.FromMinutes(2), cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Patience));
    }

    [Fact]
    public async Task WaitForEventsAsync_AfterEarlierWaitsEnded_StillWokenByAppend()
    {
        var log = NewLog(nameof(WaitForEventsAsync_AfterEarlierWaitsEnded_StillWokenByAppend));
        var id = NewMigrationId();

        // The shared subscription is dropped when its last waiter leaves and taken again by the next one.
        await log.WaitForEventsAsync(id, 0, TimeSpan.FromMilliseconds(50));
        await log.WaitForEventsAsync(id, 0, TimeSpan.FromMilliseconds(50));
        var wait = log.WaitForEventsAsync(id, 0, TimeSpan.FromMinutes(2));
        await log.AppendAsync(id, AgentId.Orchestrator, new WarningPayload(null, "again"));

        await wait.WaitAsync(Patience);
    }

    [Fact]
    public async Task AppendAsync_TwoMigrations_KeepSeparateSequences()
    {
        var options = NewOptions(nameof(AppendAsync_TwoMigrations_KeepSeparateSequences));
        var log = new RedisMigrationEventLog(Redis, options, TimeProvider.System);
        var first = NewMigrationId();
        var second = NewMigrationId();

        await log.AppendAsync(first, AgentId.Orchestrator, new WarningPayload(null, "a"));
        await log.AppendAsync(first, AgentId.Orchestrator, new WarningPayload(null, "b"));
        var other = await log.AppendAsync(second, AgentId.Orchestrator, new WarningPayload(null, "c"));

        Assert.Equal(1, other.Sequence);
        Assert.Equal(2, await log.LastSequenceAsync(first));
        Assert.Equal("c", ((WarningPayload)(await log.ReadAsync(second, 0, 10)).Single().Payload).Message);
    }
}
