using Grpc.Core;
using Migration.Contracts.V1;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>
/// One Converse stream: opened on a migration, every message the server sends is kept (replies, narration, decision
/// cards) in order, so a test can read up to a condition and then look at everything that came before it.
/// </summary>
public sealed class ConverseSession : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<ConverseRequest, ConverseResponse> _call;
    private readonly CancellationTokenSource _timeout;

    private ConverseSession(AsyncDuplexStreamingCall<ConverseRequest, ConverseResponse> call, CancellationTokenSource timeout)
    {
        _call = call;
        _timeout = timeout;
    }

    public ConverseOpened Opened { get; private set; } = null!;

    /// <summary>Everything received after the opening, in order.</summary>
    public List<ConverseResponse> Received { get; } = [];

    public IEnumerable<Contracts.V1.Narration> Narration =>
        Received.Where(r => r.KindCase == ConverseResponse.KindOneofCase.Narration).Select(r => r.Narration);

    public IEnumerable<DecisionCard> Cards =>
        Received.Where(r => r.KindCase == ConverseResponse.KindOneofCase.DecisionRequest).Select(r => r.DecisionRequest);

    public static async Task<ConverseSession> OpenAsync(GuidanceService.GuidanceServiceClient client, string migrationId, string user, TimeSpan timeout)
    {
        var cts = new CancellationTokenSource(timeout);
        var call = client.Converse(cancellationToken: cts.Token);
        var session = new ConverseSession(call, cts);
        await call.RequestStream.WriteAsync(new ConverseRequest { Open = new ConverseOpen { MigrationId = migrationId, User = user } });
        Assert.True(await call.ResponseStream.MoveNext(cts.Token), "the stream ended before it was opened");
        session.Opened = call.ResponseStream.Current.Opened;
        return session;
    }

    /// <summary>Reads until a message satisfies <paramref name="done"/> and returns it (everything read is kept in <see cref="Received"/>).</summary>
    public async Task<ConverseResponse> ReadUntilAsync(Func<ConverseResponse, bool> done, string what)
    {
        while (await _call.ResponseStream.MoveNext(_timeout.Token))
        {
            var response = _call.ResponseStream.Current;
            Received.Add(response);
            if (done(response))
            {
                return response;
            }
        }

        throw new InvalidOperationException($"The stream ended before {what}.");
    }

    /// <summary>Sends a message and reads up to its reply.</summary>
    public async Task<GuidanceReply> SayAsync(string text)
    {
        await _call.RequestStream.WriteAsync(new ConverseRequest { Text = text });
        return (await ReadUntilAsync(r => r.KindCase == ConverseResponse.KindOneofCase.Reply, $"the reply to \"{text}\"")).Reply;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or RpcException)
        {
            // Already completed or the call is over.
        }

        _call.Dispose();
        _timeout.Dispose();
    }
}
