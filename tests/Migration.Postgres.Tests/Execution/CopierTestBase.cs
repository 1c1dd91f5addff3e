using Migration.Postgres.Control;
using Migration.Postgres.Execution;

namespace Migration.Postgres.Tests.Execution;

/// <summary>A copier over its own connection pools (disposed after each test) with a short retry backoff.</summary>
public abstract class CopierTestBase : IAsyncLifetime
{
    private readonly NpgsqlDataSourceProvider _dataSources = new();

    protected CopierTestBase() =>
        Copier = new PostgresTableCopier(_dataSources, new PostgresControlStore(_dataSources)) { RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    protected PostgresTableCopier Copier { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataSources.DisposeAsync();
}
