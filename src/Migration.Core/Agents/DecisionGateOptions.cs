namespace Migration.Core.Agents;

/// <summary>
/// How long a decision may wait before the wait is reported as overdue (a warning event in the migration's event
/// log, repeated every further timeout). No answer never means a guess: the migration stays safely paused.
/// Bound from configuration section <c>Guidance</c> (<c>Guidance:DecisionTimeout</c>).
/// </summary>
public sealed class DecisionGateOptions
{
    public TimeSpan DecisionTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
