using Migration.Agents.Abstractions;
using Migration.Core.Migrations;
using Migration.Server.Errors;

namespace Migration.Server.Services;

/// <summary>
/// The orchestrator grain of a migration that exists, or the status a caller should get: INVALID_ARGUMENT for an
/// empty id, NOT_FOUND for an unknown one (a grain answers for any id; only one with state is a migration).
/// </summary>
public static class MigrationGrainLookup
{
    public static async Task<MigrationSnapshot> MigrationSnapshotAsync(this IGrainFactory grains, string migrationId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (string.IsNullOrWhiteSpace(migrationId))
        {
            throw RpcErrors.InvalidArgument("migration_id is required.", ("migration_id", "must not be empty"));
        }

        return await grains.GetGrain<IOrchestratorGrain>(migrationId).GetAsync()
            ?? throw RpcErrors.NotFound($"No migration with id '{migrationId}'.");
    }

    public static async Task<IOrchestratorGrain> ExistingMigrationAsync(this IGrainFactory grains, string migrationId)
    {
        await grains.MigrationSnapshotAsync(migrationId);
        return grains.GetGrain<IOrchestratorGrain>(migrationId);
    }
}
