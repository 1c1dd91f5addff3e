namespace Migration.Core.Abstractions;

/// <summary>
/// The index of migrations shared by all server instances: every id in creation order, the unfinished ones (to
/// resume after a restart), and the unfinished migration of a source/target pair (never two into one target).
/// </summary>
public interface IMigrationRegistry
{
    /// <summary>
    /// Registers the migration and claims its source/target pair. Throws <see cref="InvalidOperationException"/> when
    /// another unfinished migration holds the pair (use <see cref="TryRegisterAsync"/> to attach to it instead).
    /// Registering the same id again is a no-op.
    /// </summary>
    Task RegisterAsync(string migrationId, string pairKey, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically claims the source/target pair for the migration and registers it; when another unfinished migration
    /// holds the pair, writes nothing and returns that migration's id with <see cref="MigrationRegistration.Registered"/>
    /// false. Registering the same id again returns it as registered.
    /// </summary>
    Task<MigrationRegistration> TryRegisterAsync(string migrationId, string pairKey, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>Marks the migration finished: it is no longer resumed at start-up and frees its source/target pair.</summary>
    Task MarkFinishedAsync(string migrationId, string pairKey, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<string>> ListAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>The ids of the migrations not marked finished, oldest first.</summary>
    Task<IReadOnlyList<string>> UnfinishedAsync(CancellationToken cancellationToken = default);

    Task<string?> FindUnfinishedAsync(string pairKey, CancellationToken cancellationToken = default);
}
