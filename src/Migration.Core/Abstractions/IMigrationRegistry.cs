namespace Migration.Core.Abstractions;

/// <summary>
/// The index of migrations shared by all server instances: every id in creation order, the unfinished ones (to
/// resume after a restart), and the unfinished migration of a source/target pair (never two into one target).
/// </summary>
public interface IMigrationRegistry
{
    Task RegisterAsync(string migrationId, string pairKey, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>Marks the migration finished: it is no longer resumed at start-up and frees its source/target pair.</summary>
    Task MarkFinishedAsync(string migrationId, string pairKey, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<string>> ListAsync(int max, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> UnfinishedAsync(CancellationToken cancellationToken = default);

    Task<string?> FindUnfinishedAsync(string pairKey, CancellationToken cancellationToken = default);
}
