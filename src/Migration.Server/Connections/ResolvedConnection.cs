namespace Migration.Server.Connections;

/// <summary>A usable connection string and its description without secrets (host, port, database, user).</summary>
public sealed record ResolvedConnection(string ConnectionString, string Description);
