using System.Runtime.CompilerServices;
using Grpc.Core;
using Migration.Cli.Watching;
using Migration.Contracts.V1;
using MigrationInfo = Migration.Contracts.V1.Migration;

namespace Migration.UnitTests.Cli;

/// <summary>
/// An event source that plays a fixed event log the way the server's stream does (every event after the cursor),
/// with a scripted way for each successive stream to end: after N events, with an error or a normal close.
/// </summary>
internal sealed class ScriptedEventSource(IReadOnlyList<MigrationEvent> log, MigrationInfo current) : IMigrationEventSource
{
    private readonly Queue<Segment> _segments = new();
    private readonly List<long> _requests = [];

    public IReadOnlyList<long> Requests => _requests;

    public int GetMigrationCalls { get; private set; }

    public MigrationInfo Current { get; set; } = current;

    /// <summary>
    /// The next stream delivers up to <paramref name="deliver"/> events (null = all), starting
    /// <paramref name="overlap"/> events before the cursor (a server that re-sends), then throws
    /// <paramref name="error"/>, or closes (<paramref name="hang"/> = false) or stays open until cancelled.
    /// </summary>
    public ScriptedEventSource Then(int? deliver = null, RpcException? error = null, int overlap = 0, bool hang = false)
    {
        _segments.Enqueue(new Segment(deliver, error, overlap, hang));
        return this;
    }

    public static RpcException Unavailable() => new(new Status(StatusCode.Unavailable, "server restarting"));

    public async IAsyncEnumerable<MigrationEvent> WatchAsync(
        string migrationId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _requests.Add(afterSequence);
        var segment = _segments.Count > 0 ? _segments.Dequeue() : new Segment(null, null, 0, false);
        var fresh = log.Where(e => e.Sequence > afterSequence);
        if (segment.Deliver is { } count)
        {
            fresh = fresh.Take(count);
        }

        var stream = log.Where(e => e.Sequence <= afterSequence).TakeLast(segment.Overlap).Concat(fresh).ToList();
        foreach (var migrationEvent in stream)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return migrationEvent;
        }

        if (segment.Error is not null)
        {
            throw segment.Error;
        }

        if (segment.Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    public Task<MigrationInfo> GetMigrationAsync(string migrationId, CancellationToken cancellationToken)
    {
        GetMigrationCalls++;
        return Task.FromResult(Current);
    }

    private sealed record Segment(int? Deliver, RpcException? Error, int Overlap, bool Hang);
}
