namespace Migration.Server.Audit;

/// <summary>A page of the audit trail: a migration's (in its target) or the server's (Audit:Connection), newest first.</summary>
public sealed record AuditQuery(string? MigrationId, long BeforeId, int PageSize, string? Actor, string? Action);
