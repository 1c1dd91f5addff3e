using Migration.Core.Agents;
using Migration.Core.Migrations;
using Migration.Core.Recovery;

namespace Migration.Guidance.Abstractions;

/// <summary>The live migration as the guidance agent sees it, and the orchestrator methods actions go through.</summary>
public interface IMigrationGateway
{
    /// <summary>Null when no migration has this id.</summary>
    Task<MigrationSnapshot?> GetAsync(string migrationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PendingDecision>> GetPendingDecisionsAsync(string migrationId, CancellationToken cancellationToken = default);

    Task<DecisionAnswer> AnswerDecisionAsync(string migrationId, string decisionId, string optionId, string answeredBy, string? reason,
        CancellationToken cancellationToken = default);

    Task<MigrationSnapshot> PauseAsync(string migrationId, string reason, CancellationToken cancellationToken = default);

    Task<MigrationSnapshot> ResumeAsync(string migrationId, CancellationToken cancellationToken = default);

    Task<MigrationSnapshot> StartAsync(string migrationId, string startedBy, CancellationToken cancellationToken = default);

    Task<MigrationSnapshot> CancelAsync(string migrationId, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rolls the whole migration back (seed level 4, as RecoveryService.RollbackMigration): removes what it wrote to the
    /// target, verified against the state before it; Verified false means nothing was changed. InvalidOperationException
    /// when the migration cannot be rolled back in its phase.
    /// </summary>
    Task<RollbackResult> RollbackAsync(string migrationId, string requestedBy, string reason, CancellationToken cancellationToken = default);

    /// <summary>Rows set aside by the copy (the control schema's quarantine), grouped by table and reason.</summary>
    Task<IReadOnlyList<QuarantineSummary>> GetQuarantineAsync(string migrationId, CancellationToken cancellationToken = default);
}
