using Migration.Core.Planning;

namespace Migration.Core.Agents;

/// <summary>
/// A decision waiting for a person: the question with its options, risk and recommendation, the gate that raised it,
/// when, and when the wait is reported as overdue (the migration stays safely paused; nothing is guessed).
/// </summary>
public sealed record PendingDecision(DecisionRequest Request, DecisionGate Gate, DateTimeOffset RaisedAt, DateTimeOffset? OverdueAt)
{
    /// <summary>The error that raised the decision (seed L3: agent, phase, operation, batch, affected records, SQLSTATE, constraint, options, system state).</summary>
    public ErrorContext? Error { get; init; }
}
