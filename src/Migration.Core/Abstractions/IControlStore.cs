using Migration.Core.Execution;

namespace Migration.Core.Abstractions;

/// <summary>The control schema in the target (seed: migration_control, checkpoints, migration_mappings).</summary>
public interface IControlStore
{
    Task EnsureSchemaAsync(string targetConnectionString, string controlSchema, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TableCheckpoint>> GetCheckpointsAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default);

    /// <summary>Writes the row of migration_control for one table (status, counts, times, error).</summary>
    Task RecordTableStatusAsync(string targetConnectionString, string controlSchema, TableControlRecord record, CancellationToken cancellationToken = default);
}
