using Migration.Core.Migrations;

namespace Migration.Core.Planning;

/// <summary>
/// Rates used for the plan's time estimates, from the copy measurements on the project's reference machine
/// (2 vCPU): raw binary COPY ~400k rows/s, the mapped path ~200k rows/s, and about a third of that while foreign
/// keys are checked row by row. Estimates are shown as estimates; live progress replaces them once rows move.
/// </summary>
public static class ThroughputModel
{
    public const double PassThroughRowsPerSecond = 350_000;
    public const double MappedRowsPerSecond = 200_000;
    public const double ForeignKeyCheckFactor = 0.35;

    /// <summary>Bytes a page may hold: pages of very wide rows are made smaller so memory stays bounded.</summary>
    public const long PageByteBudget = 32L * 1024 * 1024;

    public static TimeSpan Estimate(long rows, WritePath path, bool foreignKeysChecked)
    {
        var rate = path == WritePath.PassThrough ? PassThroughRowsPerSecond : MappedRowsPerSecond;
        if (foreignKeysChecked)
        {
            rate *= ForeignKeyCheckFactor;
        }

        return TimeSpan.FromSeconds(Math.Max(rows, 0) / rate);
    }
}
