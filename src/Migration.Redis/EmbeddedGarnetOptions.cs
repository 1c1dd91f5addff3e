namespace Migration.Redis;

/// <summary>
/// The "Redis:Embedded" section: the in-process Garnet server started when no Redis connection string is configured.
/// Sizes are Garnet memory sizes: a number of bytes with an optional k, m or g suffix ("64m").
/// </summary>
public sealed class EmbeddedGarnetOptions
{
    public const string DefaultDataDirectory = ".data/garnet";

    /// <summary>Where the store keeps its append-only file and spilled log; relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>Loopback port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Hash index size (Garnet --index).</summary>
    public string IndexMemory { get; set; } = "64m";

    /// <summary>In-memory part of the log (Garnet --memory); older records spill to the data directory.</summary>
    public string LogMemory { get; set; } = "128m";

    /// <summary>Log page size (Garnet --page); the append-only file's pages are twice this.</summary>
    public string PageSize { get; set; } = "4m";

    /// <summary>
    /// Acknowledge a write only once it is in the append-only file (Garnet --aof-commit-wait): an acknowledged write
    /// survives the process being killed. Costs about a millisecond per write.
    /// </summary>
    public bool WaitForCommit { get; set; } = true;
}
