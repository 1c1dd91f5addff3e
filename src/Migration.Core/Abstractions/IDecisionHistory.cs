using Migration.Core.Agents;

namespace Migration.Core.Abstractions;

/// <summary>Decision history (seed: user_decisions): approvals and answers, in order.</summary>
public interface IDecisionHistory
{
    Task RecordAsync(string migrationId, DecisionRecord decision, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DecisionRecord>> ListAsync(string migrationId, CancellationToken cancellationToken = default);
}
