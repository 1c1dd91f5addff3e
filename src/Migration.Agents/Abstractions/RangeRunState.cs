namespace Migration.Agents.Abstractions;

/// <summary>Where one range-copy activation is.</summary>
public enum RangeRunState
{
    /// <summary>Never started in this activation (new, or reactivated after its server died).</summary>
    Idle = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Stopped = 4,
}
