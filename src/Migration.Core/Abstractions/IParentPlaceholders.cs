using Migration.Core.Planning;

namespace Migration.Core.Abstractions;

/// <summary>
/// The "create placeholders" answer to a missing-parents decision: for every distinct child key with no parent row in
/// the target, a parent row holding only the key (every other column empty or at its default), so the child rows
/// arrive with their connection intact. Each placeholder is listed in the control schema for review
/// (<c>placeholder_rows</c>); a rollback removes them like every other row the migration wrote.
/// </summary>
public interface IParentPlaceholders
{
    /// <summary>The parent rows created (0 when every key already had one).</summary>
    Task<long> CreateAsync(
        string migrationId,
        string sourceConnectionString,
        string targetConnectionString,
        string controlSchema,
        MissingParentReference reference,
        CancellationToken cancellationToken = default);
}
