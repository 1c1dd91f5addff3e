namespace Migration.Server.Security;

/// <summary>
/// The <c>Security</c> section: who may call the server. Without API keys, JWT settings or development mode every
/// call is refused with UNAUTHENTICATED.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>
    /// No credentials needed: every caller is "developer" with every role. Only honoured for loopback connections, and
    /// the server refuses to start with it when it listens on anything but a loopback address.
    /// </summary>
    public bool DevelopmentMode { get; set; }

    /// <summary>API keys by name (the name is who the caller is in the audit trail).</summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Streaming calls (watch, chat) open on this server at once; more get RESOURCE_EXHAUSTED.</summary>
    public int MaxOpenStreams { get; set; } = 2_000;

    /// <summary>Streaming calls one caller (identity, or address when unauthenticated) may hold open at once.</summary>
    public int MaxOpenStreamsPerCaller { get; set; } = 250;

    public bool HasCredentials => ApiKeys.Count > 0 || Jwt.IsConfigured;
}
