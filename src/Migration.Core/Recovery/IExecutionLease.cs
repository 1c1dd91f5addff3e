namespace Migration.Core.Recovery;

/// <summary>A held execution lease (see <see cref="IExecutionLeases"/>).</summary>
public interface IExecutionLease : IAsyncDisposable
{
    /// <summary>Whether the lease is still held (false once its database session is gone, e.g. the target restarted).</summary>
    Task<bool> IsHeldAsync(CancellationToken cancellationToken = default);
}
