using Grpc.Core;
using Migration.Cli.Watching;
using Migration.Contracts.V1;

namespace Migration.UnitTests.Cli;

public sealed class MigrationWatcherTests
{
    private static readonly MigrationEvent[] CompletedRun =
    [
        Events.Phase(1, MigrationPhase.AwaitingApproval, MigrationPhase.Execution),
        Events.TableStarted(2, "public.a", 3000),
        Events.Batch(3, "public.a", 1000, 3000),
        Events.Batch(4, "public.a", 2000, 3000),
        Events.Batch(5, "public.a", 3000, 3000),
        Events.TableCompleted(6, "public.a", 3000, TimeSpan.FromSeconds(3)),
        Events.Phase(7, MigrationPhase.Execution, MigrationPhase.Validation),
        Events.Validation(8, passed: true),
        Events.Phase(9, MigrationPhase.Validation, MigrationPhase.Completed),
    ];

    [Fact]
    public async Task WatchAsync_StreamBreaksWithUnavailable_ReattachesFromCursorWithoutDuplicatesOrGaps()
    {
        var source = new ScriptedEventSource(CompletedRun, Events.Snapshot("m1", MigrationPhase.Completed, 9))
            .Then(deliver: 4, error: ScriptedEventSource.Unavailable())
            .Then(deliver: 2, error: ScriptedEventSource.Unavailable(), overlap: 2)
            .Then(overlap: 3);
        var clock = new TestClock();
        var observer = new RecordingObserver();

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, clock).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0), observer, CancellationToken.None);

        Assert.Equal(WatchStopReason.Terminal, result.Reason);
        Assert.Equal(MigrationPhase.Completed, result.Phase);
        Assert.Equal(9, result.Cursor);
        Assert.True(result.Validation?.Passed);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), observer.Events.Select(e => e.Sequence));
        Assert.Equal([0L, 4L, 6L], source.Requests);
        Assert.Equal([4L, 6L], observer.Interruptions.Select(i => i.AfterSequence));
        // Events arrived between the two breaks, so the second is a fresh loss: backoff starts over.
        Assert.All(observer.Interruptions, i => Assert.Equal(1, i.Attempt));
        Assert.Equal("Unavailable: server restarting", observer.Interruptions[0].Reason);
    }

    [Fact]
    public async Task WatchAsync_ServerNeverComesBack_GivesUpWithinPolicyWithBackoff()
    {
        var source = new ScriptedEventSource([], Events.Snapshot("m1", MigrationPhase.Execution, 3));
        for (var i = 0; i < 100; i++)
        {
            source.Then(error: ScriptedEventSource.Unavailable());
        }

        var clock = new TestClock();
        var started = clock.GetUtcNow();
        var observer = new RecordingObserver();
        var policy = ReconnectPolicy.Default;

        var result = await new MigrationWatcher(source, policy, clock).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 3), 3), observer, CancellationToken.None);

        Assert.Equal(WatchStopReason.ServerLost, result.Reason);
        Assert.Equal(3, result.Cursor);
        Assert.Contains("Unavailable", result.LastError, StringComparison.Ordinal);
        var waited = clock.GetUtcNow() - started;
        Assert.True(waited <= policy.GiveUpAfter, $"waited {waited}");
        Assert.True(waited + policy.MaxDelay > policy.GiveUpAfter, $"gave up early after {waited}");
        Assert.Equal([0.5, 1, 2, 4, 5, 5], clock.Timers.Take(6).Select(t => t.TotalSeconds));
        Assert.All(source.Requests, r => Assert.Equal(3, r));
        Assert.Equal(observer.Interruptions.Count + 1, source.Requests.Count);
    }

    [Fact]
    public async Task WatchAsync_PauseInReplayedHistory_GoesOnAndStopsAtPauseAtLiveEdge()
    {
        MigrationEvent[] log =
        [
            Events.Phase(1, MigrationPhase.AwaitingApproval, MigrationPhase.Execution),
            Events.Phase(2, MigrationPhase.Execution, MigrationPhase.Paused),
            Events.Phase(3, MigrationPhase.Paused, MigrationPhase.Execution),
            Events.Batch(4, "public.a", 1000, 3000),
            Events.Phase(5, MigrationPhase.Execution, MigrationPhase.Paused),
        ];
        var snapshot = Events.Snapshot("m1", MigrationPhase.Paused, 5);
        var source = new ScriptedEventSource(log, snapshot).Then(hang: true);
        var observer = new RecordingObserver();

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(snapshot, 0), observer, CancellationToken.None);

        Assert.Equal(WatchStopReason.Paused, result.Reason);
        Assert.Equal(5, result.Cursor);
        Assert.Equal(5, observer.Events.Count);
    }

    [Fact]
    public async Task WatchAsync_PausedLive_StopsAtThePauseEvent()
    {
        MigrationEvent[] log =
        [
            Events.Batch(4, "public.a", 1000, 3000),
            Events.Phase(5, MigrationPhase.Execution, MigrationPhase.Paused, "paused by ops"),
        ];
        var source = new ScriptedEventSource(log, Events.Snapshot("m1", MigrationPhase.Paused, 5)).Then(hang: true);

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 3), 3), new RecordingObserver(), CancellationToken.None);

        Assert.Equal(WatchStopReason.Paused, result.Reason);
        Assert.Equal(MigrationPhase.Paused, result.Phase);
        Assert.Equal(5, result.Cursor);
    }

    [Fact]
    public async Task WatchAsync_TerminalSnapshotAtCursor_ReturnsWithoutOpeningAStream()
    {
        var snapshot = Events.Snapshot("m1", MigrationPhase.Failed, 12);
        var source = new ScriptedEventSource([], snapshot);

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(snapshot, 12), new RecordingObserver(), CancellationToken.None);

        Assert.Equal(WatchStopReason.Terminal, result.Reason);
        Assert.Equal(MigrationPhase.Failed, result.Phase);
        Assert.Empty(source.Requests);
    }

    [Fact]
    public async Task WatchAsync_StreamClosedEarlyWhileRunning_AsksTheStateAndReattaches()
    {
        var source = new ScriptedEventSource(CompletedRun, Events.Snapshot("m1", MigrationPhase.Execution, 5))
            .Then(deliver: 3)
            .Then();
        var observer = new RecordingObserver();

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0), observer, CancellationToken.None);

        Assert.Equal(WatchStopReason.Terminal, result.Reason);
        Assert.Equal([0L, 3L], source.Requests);
        Assert.Equal(1, source.GetMigrationCalls);
        Assert.Equal(9, observer.Events.Count);
    }

    [Fact]
    public async Task WatchAsync_ReachableServerKeepsEndingTheStream_KeepsWatchingPastTheGiveUpTime()
    {
        var source = new ScriptedEventSource(CompletedRun, Events.Snapshot("m1", MigrationPhase.Execution, 0));
        for (var i = 0; i < 40; i++)
        {
            source.Then(deliver: 0);
        }

        var clock = new TestClock();
        var started = clock.GetUtcNow();
        var observer = new RecordingObserver();

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, clock).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0), observer, CancellationToken.None);

        Assert.Equal(WatchStopReason.Terminal, result.Reason);
        Assert.True(clock.GetUtcNow() - started > ReconnectPolicy.Default.GiveUpAfter);
        Assert.Equal(9, observer.Events.Count);
        // Said once, not at every re-attach.
        Assert.Equal("the stream ended while the migration is still running", Assert.Single(observer.Interruptions).Reason);
    }

    [Fact]
    public async Task WatchAsync_ServerRejectsTheWatch_ErrorPropagates()
    {
        var source = new ScriptedEventSource([], Events.Snapshot("m1", MigrationPhase.Execution, 0))
            .Then(error: new RpcException(new Status(StatusCode.NotFound, "no migration m1")));

        var error = await Assert.ThrowsAsync<RpcException>(() => new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock())
            .WatchAsync(new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0), new RecordingObserver(), CancellationToken.None));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task WatchAsync_Cancelled_ReturnsInterruptedWithTheCursor()
    {
        using var cancel = new CancellationTokenSource();
        var source = new ScriptedEventSource(CompletedRun.Take(4).ToList(), Events.Snapshot("m1", MigrationPhase.Execution, 4))
            .Then(hang: true);
        var observer = new RecordingObserver { OnEach = e => { if (e.Sequence == 4) { cancel.Cancel(); } } };

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0), observer, cancel.Token);

        Assert.Equal(WatchStopReason.Interrupted, result.Reason);
        Assert.Equal(4, result.Cursor);
    }

    [Fact]
    public async Task WatchAsync_StopCondition_EndsAfterTheMatchingEvent()
    {
        var source = new ScriptedEventSource(CompletedRun, Events.Snapshot("m1", MigrationPhase.Completed, 9));

        var result = await new MigrationWatcher(source, ReconnectPolicy.Default, new TestClock()).WatchAsync(
            new WatchRequest(Events.Snapshot("m1", MigrationPhase.Execution, 0), 0, e => e.KindCase == MigrationEvent.KindOneofCase.TableCompleted),
            new RecordingObserver(), CancellationToken.None);

        Assert.Equal(WatchStopReason.Condition, result.Reason);
        Assert.Equal(6, result.Cursor);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.Aborted, true)]
    [InlineData(StatusCode.Cancelled, true)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    public void IsTransient_StatusWithoutTransportError_OnlyConnectionStatusesRetry(StatusCode code, bool expected) =>
        Assert.Equal(expected, ReconnectPolicy.IsTransient(new RpcException(new Status(code, "x"))));

    [Fact]
    public void IsTransient_InternalFromAResetStream_Retries() =>
        Assert.True(ReconnectPolicy.IsTransient(new RpcException(new Status(StatusCode.Internal, "Error reading next message",
            new IOException("The request was aborted.")))));
}
