using Migration.Core.Execution;

namespace Migration.Core.Abstractions;

/// <summary>
/// Moves one table from its checkpoint to the end, page by page; each page's rows and its checkpoint commit in one
/// target transaction. Picks the write path the plan chose. Never holds more than a page in memory.
/// </summary>
public interface ITableCopier
{
    Task<TableCopyResult> CopyAsync(TableCopyRequest request, Func<BatchResult, CancellationToken, Task> onBatch, CancellationToken cancellationToken = default);
}
