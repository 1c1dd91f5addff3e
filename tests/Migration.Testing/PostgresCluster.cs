using System.Globalization;
using Npgsql;

namespace Migration.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster of one test's own (initdb in a temporary directory, a free loopback port, TCP only,
/// scram password authentication), which the test may restart or stop without disturbing the shared test server
/// (<see cref="PostgresServer"/>). Uses the newest server binaries under /usr/lib/postgresql (Debian's layout, as
/// scripts/services.sh does); when the test runs as root, the cluster belongs to the postgres user.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string Password = "cluster-pass";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _bin;
    private readonly string _options;

    private PostgresCluster(string bin, string directory, int port, string options)
    {
        _bin = bin;
        Directory = directory;
        Port = port;
        _options = options;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = Password,
            Database = "postgres",
        }.ConnectionString;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The superuser's connection string to the maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>How many times the cluster was restarted.</summary>
    public int Restarts { get; private set; }

    /// <summary>Creates and starts a cluster; <paramref name="settings"/> are passed as <c>-c NAME=VALUE</c>.</summary>
    public static async Task<PostgresCluster> StartAsync(IEnumerable<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries();
        var directory = Path.Combine(Path.GetTempPath(), "migration-pg-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var options = string.Join(' ',
            new[] { "listen_addresses=127.0.0.1", $"port={port.ToString(CultureInfo.InvariantCulture)}", "unix_socket_directories=", "max_connections=200", "fsync=off", "synchronous_commit=off", "full_page_writes=off" }
                .Concat(settings ?? []).Select(s => "-c " + s));
        var cluster = new PostgresCluster(bin, directory, port, options);
        try
        {
            var passwordFile = directory + ".pw";
            await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
            try
            {
                if (LocalProcess.IsRoot())
                {
                    await RunCheckedAsync("chown", ["postgres:postgres", directory, passwordFile], cancellationToken);
                    await RunCheckedAsync("chmod", ["700", directory], cancellationToken);
                }

                await cluster.RunAsOwnerAsync("initdb", ["-D", directory, "-U", "postgres", "-A", "scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
            }
            finally
            {
                File.Delete(passwordFile);
            }

            await cluster.RunAsOwnerAsync("pg_ctl", ["-D", directory, "-l", Path.Combine(directory, "server.log"), "-o", options, "-w", "-t", "120", "start"], cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default) =>
        PostgresServer.CreateDatabaseAsync(AdminConnectionString, prefix, cancellationToken);

    /// <summary>
    /// <c>pg_ctl restart -m fast</c>: every session is terminated (57P01), the server stops with a checkpoint and
    /// starts again on the same port; returns once it accepts connections.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await RunAsOwnerAsync("pg_ctl", ["-D", Directory, "-l", Path.Combine(Directory, "server.log"), "-o", _options, "-m", "fast", "-w", "-t", "120", "restart"], cancellationToken);
        Restarts++;
        NpgsqlConnection.ClearAllPools(); // the test's own pooled connections to the cluster died with it
    }

    /// <summary>The last lines of the server's log, for an assertion message.</summary>
    public string LogTail(int lines = 40)
    {
        var path = Path.Combine(Directory, "server.log");
        if (!File.Exists(path))
        {
            return "(no server log)";
        }

        var all = File.ReadAllLines(path);
        return string.Join('\n', all.Length <= lines ? all : all[^lines..]);
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Directory, "postmaster.pid")))
        {
            try
            {
                await RunAsOwnerAsync("pg_ctl", ["-D", Directory, "-m", "immediate", "-w", "-t", "60", "stop"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                // already stopped
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a temporary directory left behind is not worth failing a test for
        }
    }

    private Task RunAsOwnerAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_bin, program);
        return LocalProcess.IsRoot()
            ? RunCheckedAsync("runuser", new[] { "-u", "postgres", "--", path }.Concat(arguments), cancellationToken)
            : RunCheckedAsync(path, arguments, cancellationToken);
    }

    private static async Task RunCheckedAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (code, output) = await LocalProcess.RunAsync(program, arguments, CommandTimeout, cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} exited with code {code}: {output}");
        }
    }

    private static string FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        var bin = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found under {root}: install the postgresql package (tests/run.sh does).");
    }
}
