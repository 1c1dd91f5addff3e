using Migration.Core.Migrations;

namespace Migration.Core.Planning;

/// <summary>The Planning agent's output: ordered waves of tables, cycle breaks, problems and decisions.</summary>
public sealed record MigrationPlan(
    IReadOnlyList<PlanWave> Waves,
    IReadOnlyList<DeferredConstraint> DeferredConstraints,
    IReadOnlyList<PlanProblem> Problems,
    IReadOnlyList<DecisionRequest> Decisions,
    long EstimatedRows,
    TimeSpan EstimatedDuration,
    int MaxConcurrentBatches,
    BatchSettings Batch,
    ForeignKeyMode ForeignKeyMode,
    string Summary)
{
    /// <summary>The resource limits the copy runs under (with <see cref="MaxConcurrentBatches"/> and <see cref="Batch"/>).</summary>
    public ResourceLimits Resources { get; init; } = ResourceLimits.Default;

    public IEnumerable<TablePlan> Tables => Waves.SelectMany(w => w.Tables);

    public bool HasBlockingProblems => Problems.Any(p => p.Severity == PlanProblemSeverity.Blocking);

    public bool IsEmpty => !Waves.Any(w => w.Tables.Count > 0);
}
