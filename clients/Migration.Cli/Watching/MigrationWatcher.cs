using Grpc.Core;
using Migration.Contracts.V1;

namespace Migration.Cli.Watching;

/// <summary>
/// Follows a migration's event stream until it ends: delivers each event exactly once in sequence order, and when the
/// stream breaks (the server restarts) re-attaches from the last sequence seen with backoff, giving up after the
/// policy's limit. Stops at a terminal phase, at a pause reached live (a pause in replayed history does not stop it),
/// or at the caller's condition.
/// </summary>
internal sealed class MigrationWatcher(IMigrationEventSource source, ReconnectPolicy policy, TimeProvider time)
{
    public async Task<WatchResult> WatchAsync(WatchRequest request, IWatchObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);

        var state = new State(request);
        observer.OnSnapshot(request.Snapshot);
        if (state.StopAtLiveEdge() is { } immediate)
        {
            return immediate;
        }

        var attempt = 0;
        DateTimeOffset? lostSince = null;
        while (true)
        {
            string reason;
            var serverReachable = false;
            var openedAt = time.GetUtcNow();
            try
            {
                var outcome = await ReadStreamAsync(request, state, observer, cancellationToken);
                if (outcome is not null)
                {
                    return outcome;
                }

                // The server closed the stream without a terminal phase: ask where the migration stands.
                var snapshot = await source.GetMigrationAsync(request.MigrationId, cancellationToken);
                serverReachable = true;
                state.Observe(snapshot);
                if (state.StopAtLiveEdge() is { } stop)
                {
                    return stop;
                }

                reason = state.Cursor < snapshot.LastEventSequence
                    ? $"the stream ended at event #{state.Cursor} before event #{snapshot.LastEventSequence}"
                    : "the stream ended while the migration is still running";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return state.Result(WatchStopReason.Interrupted);
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                return state.Result(WatchStopReason.Interrupted);
            }
            catch (RpcException ex) when (ReconnectPolicy.IsTransient(ex))
            {
                reason = ReconnectPolicy.Describe(ex);
            }
            catch (OperationCanceledException)
            {
                // Not our token: the transport gave up on the call (a connect timeout); worth another attempt.
                reason = "the call timed out";
            }

            var now = time.GetUtcNow();
            if (now - openedAt >= policy.StableAfter || state.DeliveredSinceLastLoss)
            {
                // The connection was good for a while: this is a new loss, not the same one going on.
                attempt = 0;
                lostSince = null;
            }

            state.DeliveredSinceLastLoss = false;
            attempt++;
            var delay = policy.DelayFor(attempt);
            if (serverReachable)
            {
                // The server answers; only its stream ended early. Keep re-attaching (with backoff), never give up.
                lostSince = null;
            }
            else
            {
                lostSince ??= now;
                if (now - lostSince.Value + delay > policy.GiveUpAfter)
                {
                    return state.Result(WatchStopReason.ServerLost, reason);
                }
            }

            if (!serverReachable || attempt == 1)
            {
                observer.OnConnectionLost(new WatchInterruption(attempt, delay, state.Cursor, reason));
            }

            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return state.Result(WatchStopReason.Interrupted);
            }
        }
    }

    /// <summary>Reads one stream; returns the result when the watch is over, null when the stream ended early.</summary>
    private async Task<WatchResult?> ReadStreamAsync(
        WatchRequest request, State state, IWatchObserver observer, CancellationToken cancellationToken)
    {
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await foreach (var migrationEvent in source.WatchAsync(request.MigrationId, state.Cursor, grace.Token))
            {
                if (!state.Accept(migrationEvent))
                {
                    continue;
                }

                observer.OnEvent(migrationEvent);
                if (request.StopWhen?.Invoke(migrationEvent) == true)
                {
                    return state.Result(WatchStopReason.Condition);
                }

                if (MigrationPhases.IsTerminal(state.Phase))
                {
                    // Nothing follows a terminal phase but what the server still has to flush; it closes the stream.
                    if (!state.TerminalSeen)
                    {
                        state.TerminalSeen = true;
                        grace.CancelAfter(policy.TerminalGrace);
                    }
                }
                else if (state.StopAtLiveEdge() is { } stop)
                {
                    return stop;
                }
            }
        }
        catch (OperationCanceledException) when (state.TerminalSeen && !cancellationToken.IsCancellationRequested)
        {
            return state.Result(WatchStopReason.Terminal);
        }
        catch (RpcException) when (state.TerminalSeen && !cancellationToken.IsCancellationRequested)
        {
            // The stream broke after the terminal phase: nothing that matters was lost.
            return state.Result(WatchStopReason.Terminal);
        }

        return state.TerminalSeen ? state.Result(WatchStopReason.Terminal) : null;
    }

    private sealed class State(WatchRequest request)
    {
        public long Cursor { get; private set; } = request.AfterSequence;

        public MigrationPhase Phase { get; private set; } = request.Snapshot.Phase;

        /// <summary>Events up to this sequence are history; a pause there is not a reason to stop.</summary>
        public long LiveFrom { get; private set; } = request.Snapshot.LastEventSequence;

        public ValidationReport? Validation { get; private set; } = request.Snapshot.Validation;

        public bool TerminalSeen { get; set; }

        public bool DeliveredSinceLastLoss { get; set; }

        /// <summary>Takes an event unless it was already delivered; tracks the phase and validation.</summary>
        public bool Accept(MigrationEvent migrationEvent)
        {
            if (migrationEvent.Sequence <= Cursor)
            {
                return false;
            }

            Cursor = migrationEvent.Sequence;
            DeliveredSinceLastLoss = true;
            switch (migrationEvent.KindCase)
            {
                case MigrationEvent.KindOneofCase.PhaseChanged:
                    Phase = migrationEvent.PhaseChanged.To;
                    break;
                case MigrationEvent.KindOneofCase.ValidationResult:
                    Validation = migrationEvent.ValidationResult;
                    break;
            }

            return true;
        }

        public void Observe(MigrationInfo snapshot)
        {
            LiveFrom = Math.Max(LiveFrom, snapshot.LastEventSequence);
            if (Cursor >= snapshot.LastEventSequence)
            {
                Phase = snapshot.Phase;
            }

            if (snapshot.Validation is not null)
            {
                Validation = snapshot.Validation;
            }
        }

        /// <summary>At the live edge, a terminal or paused migration ends the watch.</summary>
        public WatchResult? StopAtLiveEdge()
        {
            if (Cursor < LiveFrom)
            {
                return null;
            }

            if (MigrationPhases.IsTerminal(Phase))
            {
                return Result(WatchStopReason.Terminal);
            }

            return Phase == MigrationPhase.Paused ? Result(WatchStopReason.Paused) : null;
        }

        public WatchResult Result(WatchStopReason reason, string? error = null) => new(reason, Phase, Cursor, Validation, error);
    }
}
