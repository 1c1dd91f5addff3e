namespace Migration.Server.Audit;

/// <summary>The append-only audit trail. Other components (chat actions, decisions) record through it too.</summary>
public interface IAuditTrail
{
    /// <summary>
    /// Appends a record (Id and OccurredAt are assigned by the store). Never throws for a store that cannot be
    /// reached: the record is then logged as lost, with everything but the detail.
    /// </summary>
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Newest first. Throws KeyNotFoundException for an unknown migration, InvalidOperationException when no store holds what was asked.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
