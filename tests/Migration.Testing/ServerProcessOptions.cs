namespace Migration.Testing;

/// <summary>How <see cref="ServerProcess"/> starts the server.</summary>
public sealed class ServerProcessOptions
{
    /// <summary>
    /// Environment variables for the server on top of the test process's own and the defaults ServerProcess sets
    /// (a null value removes a variable). Configuration keys use "__" for ":" (e.g. Redis__ConnectionString).
    /// </summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Extra command-line arguments (e.g. "--Execution:MaxConcurrentBatches=1"); they win over the environment.</summary>
    public IList<string> Arguments { get; } = new List<string>();

    /// <summary>
    /// The server's working directory and the home of its embedded store (Redis:Embedded:DataDirectory = DIR/garnet).
    /// Default: a new temporary directory, deleted when the ServerProcess is disposed. A directory given here is kept.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Migration.Server.dll to run; default: found by <see cref="ServerProcess.FindServerAssembly"/>.</summary>
    public string? AssemblyPath { get; set; }

    /// <summary>How long a start may take until the port accepts connections and the log says it started.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The log text that says the server is up (ASP.NET Core's lifetime message by default).</summary>
    public string StartedText { get; set; } = "Application started";

    /// <summary>Called with every line the server writes (stdout and stderr), e.g. to forward it to a test's output.</summary>
    public Action<string>? OutputLine { get; set; }
}
