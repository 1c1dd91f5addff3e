using Migration.Core.Execution;

namespace Migration.Core.Abstractions;

/// <summary>The rows the copy set aside (the control schema's <c>quarantine</c> table in the target).</summary>
public interface IQuarantineStore
{
    /// <summary>Quarantined rows per table (tables without any are absent). Empty before the control schema exists.</summary>
    Task<IReadOnlyDictionary<string, long>> CountAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default);

    /// <summary>Quarantined rows, oldest first, optionally of one table, at most <paramref name="limit"/> after id <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<QuarantinedRow>> ListAsync(string targetConnectionString, string controlSchema, string migrationId, string? table, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The source keys of one table's quarantined rows (for validation to account for them).</summary>
    Task<IReadOnlyList<IReadOnlyList<string?>>> KeysAsync(string targetConnectionString, string controlSchema, string migrationId, string table, CancellationToken cancellationToken = default);
}
