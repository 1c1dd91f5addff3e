namespace Migration.Server.Connections;

/// <summary>A usable connection string and its description without secrets (user@host:port/database).</summary>
public sealed record ResolvedConnection(string ConnectionString, string Description);
