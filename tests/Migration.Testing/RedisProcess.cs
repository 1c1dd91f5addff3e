using System.Diagnostics;
using System.Globalization;

namespace Migration.Testing;

/// <summary>
/// A redis-server of one test's own (a free loopback port, a temporary directory, append-only file on), which the
/// test may restart: <see cref="RestartAsync"/> stops it the way a service manager does (SIGTERM: the server flushes
/// its append-only file and exits) and starts it again on the same port and data, so what was written survives.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisProcess(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>host:port for StackExchange.Redis (Redis:ConnectionString).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int Restarts { get; private set; }

    public static async Task<RedisProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "migration-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var redis = new RedisProcess(directory, FreePort.Next());
        try
        {
            await redis.LaunchAsync(cancellationToken);
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (SIGTERM, waits for its exit) and starts it again; returns once it answers PING.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await LaunchAsync(cancellationToken);
        Restarts++;
    }

    /// <summary>Starts the stopped server again on the same port and data; returns once it answers PING.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("redis-server is running");
        }

        await LaunchAsync(cancellationToken);
        Restarts++;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a temporary directory left behind is not worth failing a test for
        }
    }

    /// <summary>Stops the server (SIGTERM: it flushes its append-only file) and waits for its exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        _ = NativeMethods.Kill(_process.Id, NativeMethods.SigTerm);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
                     "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--protected-mode", "no",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start redis-server (is it installed?)");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitFor.ConditionAsync(async () => _process.HasExited || await PingAsync(cancellationToken), TimeSpan.FromSeconds(60), $"redis-server on port {Port}");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}");
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return read >= 5 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException)
        {
            return false;
        }
    }
}
