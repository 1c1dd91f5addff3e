namespace Migration.Agents.Hosting;

/// <summary>
/// The "Orleans" configuration section: identity and endpoints of this silo. One node (embedded store) uses localhost
/// clustering; with a configured Redis, every server with the same <see cref="ClusterId"/> and
/// <see cref="ServiceId"/> on that Redis forms one cluster.
/// </summary>
public sealed class AgentRuntimeOptions
{
    public const string SectionName = "Orleans";

    /// <summary>Name of the grain storage the agents use (also registered as the default storage).</summary>
    public const string StorageName = "migrations";

    /// <summary>Members of one cluster share this id (a deployment).</summary>
    public string ClusterId { get; set; } = "migration";

    /// <summary>
    /// Identity of the service across deployments: grain state and reminders are keyed by it in Redis, so two services
    /// on one Redis must differ here.
    /// </summary>
    public string ServiceId { get; set; } = "migration-grpc";

    /// <summary>Port for silo-to-silo traffic; 0 picks a free port at start (other silos learn it from membership).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients (0: no gateway; the server calls grains in-process).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Address other silos reach this one at (clustered only). Empty: Orleans picks this machine's address.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// Clustered only: how long a silo waits for a probe's answer, and how often it probes. A silo that misses
    /// <see cref="MissedProbesLimit"/> probes in a row is suspected, and declared dead once two others agree, so a
    /// killed server's agents are reactivated elsewhere after about twice this (plus a table refresh). Too short on
    /// an overloaded machine declares live servers dead.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Clustered only: probes a silo may miss in a row before it is suspected.</summary>
    public int MissedProbesLimit { get; set; } = 2;
}
