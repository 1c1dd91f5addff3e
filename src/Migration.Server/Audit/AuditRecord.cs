namespace Migration.Server.Audit;

/// <summary>
/// One entry of the audit trail: who (actor, how they authenticated, their roles) did what (action, migration), when,
/// from where (peer), with what result (outcome: OK or the status code name, and a redacted detail).
/// </summary>
public sealed record AuditRecord(
    long Id,
    DateTimeOffset OccurredAt,
    string? MigrationId,
    string Actor,
    string AuthMethod,
    IReadOnlyList<string> Roles,
    string Action,
    string Peer,
    string Outcome,
    string Detail,
    string? TraceId);
