namespace Migration.Core.Recovery;

/// <summary>
/// The run-once guarantee across server instances: a lease on (target database, migration id) held for as long as
/// a migration executes. Whoever does not hold it does not write.
/// </summary>
public interface IExecutionLeases
{
    /// <summary>The lease, or null when another session holds it. Dispose to release it.</summary>
    Task<IExecutionLease?> TryAcquireAsync(string targetConnectionString, string migrationId, CancellationToken cancellationToken = default);

    /// <summary>Who holds the lease now (a description without secrets), null when nobody does.</summary>
    Task<string?> DescribeHolderAsync(string targetConnectionString, string migrationId, CancellationToken cancellationToken = default);
}
