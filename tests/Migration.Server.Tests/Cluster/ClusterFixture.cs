using Migration.Testing;

namespace Migration.Server.Tests.Cluster;

/// <summary>
/// One cluster of three server processes on the test Redis, started once for the cluster tests (starting three
/// servers is most of their cost). A test that kills a server starts it again before it ends.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ServerCluster? _cluster;

    public ServerCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _cluster = await ServerCluster.StartAsync(3, _redis.ConnectionString, "cluster");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }
}
