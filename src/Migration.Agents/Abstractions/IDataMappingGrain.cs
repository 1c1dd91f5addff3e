using Migration.Core.Planning;

namespace Migration.Agents.Abstractions;

/// <summary>
/// Data Mapping agent. In same-schema migrations the mapping is identity; the agent checks it against the live target
/// right before anything is written (columns dropped or retyped since planning, rows that appeared in a target table)
/// so a mismatch stops the migration before the first page instead of half-way through.
/// </summary>
public interface IDataMappingGrain : IGrainWithStringKey
{
    Task<IReadOnlyList<PlanProblem>> VerifyAsync(string targetConnectionString, MigrationPlan plan);
}
