using Migration.Core.Planning;

namespace Migration.Core.Abstractions;

/// <summary>
/// Checks, set-based and before any write, whether the parent rows a child table needs are already in the target
/// when the parent table is not part of the migration: the child's distinct non-null key values (read from the
/// source) anti-joined with the target's parent table. Memory does not grow with the table (the keys stream from
/// one database into a temporary table of the other); very large children are sampled and the figures say so.
/// </summary>
public interface IMissingParentProbe
{
    Task<MissingParentFinding> ProbeAsync(string sourceConnectionString, string targetConnectionString, MissingParentReference reference,
        CancellationToken cancellationToken = default);
}
