namespace Migration.Core.Migrations;

/// <summary>
/// Where a migration reads and writes: full connection strings (with credentials: server-side only, never shown) and
/// the control schema in the target. Used by the server for the audit trail and the database health checks.
/// </summary>
public sealed record MigrationConnections(string SourceConnectionString, string TargetConnectionString, string ControlSchema);
