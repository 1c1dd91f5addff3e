using Migration.Agents.Abstractions;
using Migration.Core.Agents;
using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Recovery;
using Npgsql;

namespace Migration.Guidance.Abstractions;

/// <summary>The gateway over the migration's orchestrator grain (any server instance reaches any migration).</summary>
public sealed class GrainMigrationGateway(IGrainFactory grains) : IMigrationGateway
{
    /// <summary>Keys of set-aside rows listed per table and reason (the quarantine command lists them all).</summary>
    private const int KeysShown = 10;

    public Task<MigrationSnapshot?> GetAsync(string migrationId, CancellationToken cancellationToken = default) =>
        Grain(migrationId).GetAsync();

    public Task<IReadOnlyList<PendingDecision>> GetPendingDecisionsAsync(string migrationId, CancellationToken cancellationToken = default) =>
        Grain(migrationId).GetPendingDecisionsAsync();

    public Task<DecisionAnswer> AnswerDecisionAsync(string migrationId, string decisionId, string optionId, string answeredBy, string? reason,
        CancellationToken cancellationToken = default) =>
        Grain(migrationId).AnswerDecisionAsync(decisionId, optionId, answeredBy, reason);

    public Task<MigrationSnapshot> PauseAsync(string migrationId, string reason, CancellationToken cancellationToken = default) =>
        Grain(migrationId).PauseAsync(reason);

    public Task<MigrationSnapshot> ResumeAsync(string migrationId, CancellationToken cancellationToken = default) =>
        Grain(migrationId).ResumeAsync();

    public Task<MigrationSnapshot> StartAsync(string migrationId, string startedBy, CancellationToken cancellationToken = default) =>
        Grain(migrationId).StartAsync(startedBy, autoApprove: false);

    public Task<MigrationSnapshot> CancelAsync(string migrationId, string reason, CancellationToken cancellationToken = default) =>
        Grain(migrationId).CancelAsync(reason);

    public Task<RollbackResult> RollbackAsync(string migrationId, string requestedBy, string reason, CancellationToken cancellationToken = default) =>
        Grain(migrationId).RollbackAsync(new RollbackCommand(requestedBy, reason));

    public async Task<IReadOnlyList<QuarantineSummary>> GetQuarantineAsync(string migrationId, CancellationToken cancellationToken = default)
    {
        var connections = await Grain(migrationId).GetConnectionsAsync();
        if (connections is null)
        {
            return [];
        }

        var schema = QualifiedName.QuoteIdentifier(connections.ControlSchema);
        await using var connection = new NpgsqlConnection(connections.TargetConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT table_name, reason, count(*), min(row_preview), " +
            $"(array_agg(coalesce(array_to_string(row_key, ', '), row_preview, '') ORDER BY id))[1:{KeysShown}] FROM {schema}.quarantine WHERE migration_id = @id " +
            "GROUP BY table_name, reason ORDER BY count(*) DESC, table_name", connection);
        command.Parameters.AddWithValue("id", migrationId);
        var result = new List<QuarantineSummary>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new QuarantineSummary(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                    await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3))
                {
                    Keys = reader.GetFieldValue<string[]>(4),
                });
            }
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            // The control schema is created when the copy starts: before that nothing can have been set aside.
        }

        return result;
    }

    private IOrchestratorGrain Grain(string migrationId) => grains.GetGrain<IOrchestratorGrain>(migrationId);
}
