using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Core.Execution;

/// <summary>Everything the copy engine needs to move one table.</summary>
/// <remarks>
/// <see cref="Parallelism"/> is how many page streams the table may use at once: a table that
/// <see cref="TablePlan.SplitsIntoKeyRanges"/> is cut into that many key ranges, each with its own checkpoint, copied
/// concurrently (the cut is kept in the control schema, so a resumed copy continues the same ranges).
/// </remarks>
public sealed record TableCopyRequest(
    string MigrationId,
    string SourceConnectionString,
    string TargetConnectionString,
    TablePlan Table,
    IReadOnlyList<string> SourceColumns,
    BatchSettings Batch,
    string ControlSchema,
    bool ValidateBatches)
{
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// Committed pages whose progress reports may wait to be delivered before the copy waits for them
    /// (<see cref="ResourceLimits.QueueMaxSize"/>).
    /// </summary>
    public int ReportQueueSize { get; init; } = ResourceLimits.Default.QueueMaxSize;

    /// <summary>How many bad rows the table may set aside before the copy stops for a decision (seed L1 → L3).</summary>
    public ErrorBudget ErrorBudget { get; init; } = ErrorBudget.Default;

    /// <summary>
    /// The whole mapping spec of a schema-changing migration (null: none). The table's own part is
    /// <see cref="TableMapping.Spec"/> of <see cref="Table"/>; the copier reads the rest to follow references to other
    /// tables (their entity types, keys, filters) when it rewrites foreign keys and finds orphans.
    /// </summary>
    public MappingSpec? Mapping { get; init; }

    /// <summary>
    /// The orchestrator's number for this start of the table (it grows with every start): the copy agent reports under
    /// it, so a report of an earlier start that arrives late — after a rollback reset the table, say — is recognised and
    /// ignored instead of being taken for news of the current one.
    /// </summary>
    public int Run { get; init; }
}
