using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Migration.Testing;

/// <summary>
/// The built server (Migration.Server.dll) run as a child process (`dotnet Migration.Server.dll`) on free loopback
/// ports, for end-to-end tests that need a real process: kill -9 and restart on the same data directory, exit codes,
/// what it prints. Everything it writes is captured (see <see cref="Output"/>); put <see cref="Tail"/> in an
/// assertion message so a failure shows the server's side.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AssemblyVariable = "MIGRATION_SERVER_DLL";
    private const string AssemblyFileName = "Migration.Server.dll";

    private readonly ServerProcessOptions _options;
    private readonly bool _ownsDataDirectory;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;
    private int _runStart;

    private ServerProcess(ServerProcessOptions options, string assemblyPath, string dataDirectory, bool ownsDataDirectory)
    {
        _options = options;
        AssemblyPath = assemblyPath;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
        var ports = FreePort.Many(3);
        Port = ports[0];
        SiloPort = ports[1];
        GatewayPort = ports[2];
    }

    /// <summary>The gRPC address (plain HTTP/2): http://127.0.0.1:PORT.</summary>
    public string Address => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public int Port { get; }

    /// <summary>Orleans silo-to-silo port given to the server (Orleans:SiloPort).</summary>
    public int SiloPort { get; }

    /// <summary>Orleans client gateway port given to the server (Orleans:GatewayPort).</summary>
    public int GatewayPort { get; }

    public string DataDirectory { get; }

    public string AssemblyPath { get; }

    /// <summary>How many times the process was started (1 after <see cref="StartAsync"/>, +1 per restart).</summary>
    public int Starts { get; private set; }

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the server was never started");

    public bool HasExited => _process is null || _process.HasExited;

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Everything every run of the server wrote, stdout and stderr interleaved, runs separated by a marker line.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the current (last) run wrote.</summary>
    public string CurrentOutput
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString(_runStart, _output.Length - _runStart);
            }
        }
    }

    /// <summary>Starts the server and waits until it accepts connections and has logged that it started.</summary>
    public static async Task<ServerProcess> StartAsync(ServerProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ServerProcessOptions();
        var assembly = options.AssemblyPath ?? FindServerAssembly();
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The server assembly {assembly} does not exist", assembly);
        }

        var owns = options.DataDirectory is null;
        var dataDirectory = Path.GetFullPath(
            options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "migration-server-process", Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(dataDirectory);
        var server = new ServerProcess(options, Path.GetFullPath(assembly), dataDirectory, owns);
        try
        {
            await server.LaunchAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Finds Migration.Server.dll: $MIGRATION_SERVER_DLL; else the server project's own build output of the same
    /// configuration and target framework as the running test assembly (it has appsettings.json beside it); else the
    /// copy a project reference puts into the test's output directory; else the newest build under the server's bin.
    /// </summary>
    public static string FindServerAssembly()
    {
        var configured = Environment.GetEnvironmentVariable(AssemblyVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new FileNotFoundException($"{AssemblyVariable} names {configured}, which does not exist", configured);
        }

        var looked = new List<string>();
        var baseDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(baseDirectory);
        var configuration = Path.GetFileName(Path.GetDirectoryName(baseDirectory) ?? "");
        var serverBin = FindRepositoryRoot(baseDirectory) is { } root ? Path.Combine(root, "src", "Migration.Server", "bin") : null;

        if (serverBin is not null)
        {
            var sameBuild = Path.Combine(serverBin, configuration, framework, AssemblyFileName);
            looked.Add(sameBuild);
            if (IsRunnable(sameBuild))
            {
                return sameBuild;
            }
        }

        var besideTests = Path.Combine(baseDirectory, AssemblyFileName);
        looked.Add(besideTests);
        if (IsRunnable(besideTests))
        {
            return besideTests;
        }

        if (serverBin is not null && Directory.Exists(serverBin))
        {
            looked.Add(Path.Combine(serverBin, "*", "*", AssemblyFileName));
            var newest = Directory.EnumerateFiles(serverBin, AssemblyFileName, SearchOption.AllDirectories)
                .Where(IsRunnable)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new FileNotFoundException(
            $"{AssemblyFileName} was not found (looked at: {string.Join(", ", looked)}). Build it with " +
            $"`dotnet build src/Migration.Server`, reference the server project from the test project, or set {AssemblyVariable}.");
    }

    /// <summary>Waits until the current run has written <paramref name="text"/>; fails early if the process exits.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        while (!CurrentOutput.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited)
            {
                await WaitForExitAsync(cancellationToken); // the last lines are read before the exit completes
                if (CurrentOutput.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                throw new InvalidOperationException(
                    $"The server exited with code {ExitCode} before writing \"{text}\".{Environment.NewLine}{Tail()}");
            }

            if (timeoutSource.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"The server did not write \"{text}\" within {timeout}.{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Kills the server at once (SIGKILL, with any child processes), as a crash or `kill -9` would.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }

        await WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// Asks the server to stop (SIGTERM: the host shuts down gracefully) and waits up to <paramref name="timeout"/>;
    /// kills it if it is still running then. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_process is null)
        {
            throw new InvalidOperationException("the server was never started");
        }

        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows())
            {
                _process.Kill(entireProcessTree: true);
            }
            else
            {
                _ = NativeMethods.Kill(_process.Id, NativeMethods.SigTerm);
            }

            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            try
            {
                await _process.WaitForExitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                AppendLine($"--- ServerProcess: no exit {timeout} after SIGTERM; killing it ---");
                await KillAsync(cancellationToken);
            }
        }

        await WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>
    /// Starts the server again on the same data directory and ports (killing the current run first if it still
    /// runs), and waits until it is up.
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync(cancellationToken);
        await LaunchAsync(cancellationToken);
    }

    public async Task WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not null)
        {
            await _process.WaitForExitAsync(cancellationToken);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines the server wrote, headed for an assertion or failure message.</summary>
    public string Tail(int lines = 200)
    {
        var all = Output.Split('\n');
        var tail = all.Length <= lines ? all : all[^lines..];
        return $"--- server output ({AssemblyPath}, data {DataDirectory}), last {tail.Length} lines ---{Environment.NewLine}" +
               string.Join('\n', tail);
    }

    public override string ToString() => $"ServerProcess {Address} (pid {_process?.Id.ToString(CultureInfo.InvariantCulture) ?? "-"})";

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = null;
        if (_ownsDataDirectory)
        {
            await DeleteDirectoryAsync(DataDirectory);
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = DotnetHost(),
            WorkingDirectory = DataDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add(AssemblyPath);
        startInfo.ArgumentList.Add("--contentRoot");
        startInfo.ArgumentList.Add(Path.GetDirectoryName(AssemblyPath)!);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(Address);
        foreach (var argument in _options.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        environment["Kestrel__EndpointDefaults__Protocols"] = "Http2";
        environment["Orleans__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture);
        environment["Orleans__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture);
        environment["Redis__Embedded__DataDirectory"] = Path.Combine(DataDirectory, "garnet");
        environment["DOTNET_NOLOGO"] = "1";
        // The server listens on loopback only: no credentials needed (a test may override it through Environment).
        environment["Security__DevelopmentMode"] = "true";
        // Console logs without colour codes, one message per line block: readable in assertion messages.
        environment["Logging__Console__FormatterName"] = "simple";
        environment["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled";
        foreach (var (name, value) in _options.Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);

        lock (_outputLock)
        {
            Starts++;
            if (_output.Length > 0)
            {
                _output.Append(CultureInfo.InvariantCulture, $"--- ServerProcess: start {Starts} ---\n");
            }

            _runStart = _output.Length;
        }

        _process?.Dispose();
        if (!process.Start())
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {startInfo.FileName} {AssemblyPath}");
        }

        _process = process;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await WaitUntilStartedAsync(cancellationToken);
    }

    private async Task WaitUntilStartedAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.StartTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var stopwatch = Stopwatch.StartNew();
        var listening = false;
        var logged = false;
        while (!(listening && logged))
        {
            if (HasExited)
            {
                await WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException(
                    $"The server exited with code {ExitCode} while starting.{Environment.NewLine}{Tail()}");
            }

            if (timeoutSource.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException(
                    $"The server did not start within {timeout} (port {Port} listening: {listening}, " +
                    $"\"{_options.StartedText}\" logged: {logged}).{Environment.NewLine}{Tail()}");
            }

            logged = logged || CurrentOutput.Contains(_options.StartedText, StringComparison.Ordinal);
            listening = listening || await FreePort.IsListeningAsync(Port, CancellationToken.None);
            if (!(listening && logged))
            {
                await Task.Delay(stopwatch.Elapsed < TimeSpan.FromSeconds(5) ? 50 : 200, CancellationToken.None);
            }
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        AppendLine(line);
        _options.OutputLine?.Invoke(line);
    }

    private void AppendLine(string line)
    {
        lock (_outputLock)
        {
            _output.Append(line).Append('\n');
        }
    }

    private static bool IsRunnable(string assembly) =>
        File.Exists(assembly) && File.Exists(Path.ChangeExtension(assembly, ".runtimeconfig.json"));

    private static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Migration.Grpc.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>The dotnet host running the tests (so the server runs on the same runtime), else dotnet on PATH.</summary>
    private static string DotnetHost()
    {
        var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost))
        {
            return fromHost;
        }

        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return current;
        }

        return "dotnet";
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (attempt == 5)
                {
                    return; // a temporary directory left behind is not worth failing a test for
                }

                await Task.Delay(100 * attempt, CancellationToken.None); // the killed process's files are being released
            }
        }
    }
}
