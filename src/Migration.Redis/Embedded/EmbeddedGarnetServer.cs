using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;

namespace Migration.Redis.Embedded;

/// <summary>
/// The Redis-compatible store started in-process when no Redis is configured: Microsoft Garnet on 127.0.0.1, with Lua
/// (Orleans' Redis providers need it; scripts run as transactions, so they are atomic as in Redis), every write in an
/// append-only file committed before it is acknowledged, records beyond the in-memory log spilled to the data
/// directory, and recovery from the append-only file at start. It takes no checkpoints: on this Garnet version a
/// process killed after a checkpoint lost acknowledged writes, while the append-only file alone never did.
/// </summary>
public sealed class EmbeddedGarnetServer : IDisposable
{
    private const string LockFileName = "garnet.lock";

    private readonly GarnetServer _server;
    private readonly FileStream _directoryLock;
    private int _disposed;

    private EmbeddedGarnetServer(GarnetServer server, FileStream directoryLock, int port, string dataDirectory, IReadOnlyList<string> arguments)
    {
        _server = server;
        _directoryLock = directoryLock;
        Port = port;
        DataDirectory = dataDirectory;
        Arguments = arguments;
    }

    public int Port { get; }

    /// <summary>Absolute path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The Garnet command-line arguments the server was started with.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public RedisConnectionInfo ConnectionInfo => new(ConnectionString, IsEmbedded: true, $"embedded Garnet at {ConnectionString}");

    /// <summary>
    /// Starts Garnet on <paramref name="dataDirectory"/> (created when missing), recovering what an earlier run
    /// wrote there. Fails with <see cref="InvalidOperationException"/> when another process uses the directory.
    /// </summary>
    public static EmbeddedGarnetServer Start(EmbeddedGarnetOptions options, string dataDirectory, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var directoryLock = LockDirectory(directory);
        try
        {
            // A free port is chosen by binding port 0 and releasing it: another process may take it in between, so
            // a start that fails to bind is retried on a new port (a configured port is tried once).
            var attempts = options.Port == 0 ? 3 : 1;
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port == 0 ? FreeLoopbackPort() : options.Port;
                var arguments = BuildArguments(options, directory, port);
                GarnetServer? server = null;
                try
                {
                    server = new GarnetServer([.. arguments], loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
                    server.Start();
                    return new EmbeddedGarnetServer(server, directoryLock, port, directory, arguments);
                }
                catch (Exception exception) when (attempt < attempts && IsAddressInUse(exception))
                {
                    server?.Dispose();
                }
                catch (Exception exception) when (IsAddressInUse(exception))
                {
                    server?.Dispose();
                    throw new InvalidOperationException(
                        $"The embedded Redis-compatible store could not listen on 127.0.0.1:{port}: the port is in use. " +
                        "Set Redis:Embedded:Port to a free port (0 picks one) or configure Redis:ConnectionString.", exception);
                }
                catch
                {
                    server?.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>The Garnet command line for the options (public so that operators can see what runs).</summary>
    public static IReadOnlyList<string> BuildArguments(EmbeddedGarnetOptions options, string dataDirectory, int port)
    {
        ArgumentNullException.ThrowIfNull(options);
        var page = MemorySize.Parse(options.PageSize);
        var aofPage = page * 2;
        var aofMemory = Math.Max(64L << 20, aofPage * 2);
        var arguments = new List<string>
        {
            "--bind", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture),
            // Orleans' Redis storage, reminders and our stores use scripts; as transactions they are atomic.
            "--lua", "--lua-transaction-mode",
            // Every write in the append-only file, committed per operation, replayed at start.
            "--aof", "--aof-commit-freq", "0", "--recover",
            // Records beyond the in-memory log go to disk instead of being dropped.
            "--storage-tier",
            "--logdir", Path.Combine(dataDirectory, "log"),
            "--checkpointdir", Path.Combine(dataDirectory, "checkpoints"),
            // The native device needs a newer glibc than Debian 12 has; .NET's RandomAccess works everywhere.
            "--device-type", "RandomAccess",
            // Garnet's defaults are sized for a dedicated cache server (gigabytes).
            "--index", options.IndexMemory,
            "--memory", options.LogMemory,
            "--page", options.PageSize,
            "--aof-page-size", MemorySize.Format(aofPage),
            "--aof-memory", MemorySize.Format(aofMemory),
            "-q",
        };
        if (options.WaitForCommit)
        {
            arguments.Add("--aof-commit-wait");
        }

        return arguments;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _server.Dispose();
        }
        finally
        {
            _directoryLock.Dispose();
        }
    }

    private static FileStream LockDirectory(string directory)
    {
        var path = Path.Combine(directory, LockFileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"The embedded Redis-compatible store's data directory '{directory}' is in use by another server. " +
                "Stop it, set Redis:Embedded:DataDirectory to another directory, or configure Redis:ConnectionString.", exception);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
