using Migration.Core.Execution;

namespace Migration.Core.Abstractions;

/// <summary>
/// The copy engine seen range by range, so that the key ranges of one table can run as separate units of work (on
/// different servers of a cluster). <see cref="PrepareRangesAsync"/> cuts the table once (the cut is recorded in the
/// target, so every later call sees the same ranges); <see cref="CopyRangeAsync"/> copies one range from its
/// checkpoint to its end. Two calls for the same range at the same time are safe: each page locks the range and
/// re-reads its checkpoint inside its own transaction, so every row is committed exactly once.
/// </summary>
public interface IRangeCopier
{
    /// <summary>
    /// The table's ranges as recorded in the control schema, or a new cut into
    /// <see cref="TableCopyRequest.Parallelism"/> key ranges when none is recorded yet.
    /// </summary>
    Task<IReadOnlyList<CopyRangeState>> PrepareRangesAsync(TableCopyRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies range <paramref name="range"/> of the table from its checkpoint to its end. <paramref name="onBatch"/> is
    /// called after each page commits; its <see cref="BatchResult.TableRowsCopied"/> and
    /// <see cref="BatchResult.BatchesCompleted"/> are the RANGE's totals (earlier runs included).
    /// </summary>
    Task<RangeCopyResult> CopyRangeAsync(
        TableCopyRequest request,
        int range,
        Func<BatchResult, CancellationToken, Task> onBatch,
        CancellationToken cancellationToken = default);
}
