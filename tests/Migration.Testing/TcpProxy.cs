using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Migration.Testing;

/// <summary>
/// A TCP proxy on a free loopback port in front of 127.0.0.1:<c>upstreamPort</c>, for network faults between the
/// server and a database: <see cref="DropAll"/> resets every open connection at once (as a failing network or a
/// firewall would), <see cref="Stall"/> stops forwarding bytes on every connection, old and new, until
/// <see cref="Resume"/>.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, Link> _links = new();
    private readonly Task _accepting;
    private readonly Lock _gateLock = new();
    private TaskCompletionSource _open = NewGate(open: true);
    private long _next;
    private int _dropped;

    private TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _next);

    /// <summary>Connections open now.</summary>
    public int Open => _links.Count;

    /// <summary>Connections reset by <see cref="DropAll"/> so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    public static TcpProxy Start(int upstreamPort) => new(upstreamPort);

    /// <summary>The same connection string, pointed at the proxy.</summary>
    public string Route(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Resets every open connection (both sides, RST); returns how many were open.</summary>
    public int DropAll()
    {
        var count = 0;
        foreach (var (id, link) in _links)
        {
            if (_links.TryRemove(id, out _))
            {
                link.Abort();
                count++;
            }
        }

        Interlocked.Add(ref _dropped, count);
        return count;
    }

    /// <summary>Stops forwarding: bytes already sent wait in the proxy (connections stay open, calls hang).</summary>
    public void Stall()
    {
        lock (_gateLock)
        {
            if (_open.Task.IsCompleted)
            {
                _open = NewGate(open: false);
            }
        }
    }

    /// <summary>Forwards again, the held bytes first.</summary>
    public void Resume()
    {
        lock (_gateLock)
        {
            _open.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        DropAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private Task Gate()
    {
        lock (_gateLock)
        {
            return _open.Task;
        }
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var id = Interlocked.Increment(ref _next);
            _ = RunLinkAsync(id, client, cancellationToken);
        }
    }

    private async Task RunLinkAsync(long id, Socket client, CancellationToken cancellationToken)
    {
        var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var link = new Link(client, upstream);
        _links[id] = link;
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, cancellationToken);
            await Task.WhenAny(PumpAsync(client, upstream, cancellationToken), PumpAsync(upstream, client, cancellationToken));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // the peer went away, or the link was dropped
        }
        finally
        {
            _links.TryRemove(id, out _);
            link.Close();
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await Gate().WaitAsync(cancellationToken);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private sealed class Link(Socket client, Socket upstream)
    {
        public void Abort()
        {
            foreach (var socket in new[] { client, upstream })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST, as a broken network does
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                }

                socket.Dispose();
            }
        }

        public void Close()
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}
