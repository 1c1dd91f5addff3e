using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Control;
using Migration.Postgres.Execution;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Quarantine;

/// <summary>
/// Transient faults injected into a running copy against the real server: backends terminated mid-page on the source
/// and on the target (pg_terminate_backend), a target statement timeout, and a lock held on the target table by
/// another session. Each page is retried (or waits) and the copy ends with every row exactly once.
/// </summary>
[Collection("postgres")]
public sealed class CopyFaultTests(PostgresServer server) : IAsyncLifetime
{
    private readonly NpgsqlDataSourceProvider _dataSources = new();
    private readonly CopyResilienceMetrics _metrics = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _metrics.Dispose();
        await _dataSources.DisposeAsync();
    }

    [Theory]
    [InlineData("source")]
    [InlineData("target")]
    public async Task CopyAsync_BackendTerminatedMidPage_RetriesWithoutLossOrDuplicates(string side)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "f_kill_" + side);
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, body text)");
        // Wide rows and a slow target keep both backends busy inside each page (the source blocks on the pipe).
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 1200) g");
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id % 20 = 0 THEN PERFORM pg_sleep(0.01); END IF; RETURN NEW; END $$;
            CREATE TRIGGER slow BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION slow();
            """);
        var application = "copier_" + Guid.NewGuid().ToString("N")[..10];
        var victim = side == "source" ? source : target;
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]);
        var request = CopyTestKit.Request("kill", WithApplication(source, application), WithApplication(target, application), plan,
            CopyTestKit.SmallPages with { BaseBatchSize = 200, MinBatchSize = 50, MaxBatchSize = 200 });
        using var counts = new QuarantineTestKit.MetricCounts(_metrics);
        using var stop = new CancellationTokenSource();
        var terminator = TerminateAsync(victim, application, times: 2, stop.Token);

        var result = await Copier().CopyAsync(request, CopyTestKit.Collect([]));
        await stop.CancelAsync();
        var terminated = await terminator;

        // One sweep can end more than one backend (the copy and a page's second connection both run COPY).
        Assert.True(terminated >= 2, $"expected at least 2 terminated backends, got {terminated}");
        Assert.True(counts.Retries >= 1, $"expected retried pages, got {counts.Retries}");
        Assert.Equal(1200, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }

    [Fact]
    public async Task CopyAsync_TargetStatementTimeout_IsRetriedAndCompletes()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "f_timeout");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, v text)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 600) g");
        // Row 250 stalls its page twice (a sequence is not rolled back with the page), beyond the statement timeout.
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE SEQUENCE stalls;
            CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id = 250 AND nextval('stalls') <= 2 THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END $$;
            CREATE TRIGGER stall BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION stall();
            """);
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]);
        var timedTarget = new NpgsqlConnectionStringBuilder(target) { Options = "-c statement_timeout=1000" }.ConnectionString;
        using var counts = new QuarantineTestKit.MetricCounts(_metrics);

        var result = await Copier().CopyAsync(CopyTestKit.Request("timeout", source, timedTarget, plan), CopyTestKit.Collect([]));

        Assert.True(counts.Retries >= 2, $"expected the two stalled attempts to be retried, got {counts.Retries} retries");
        Assert.Equal(600, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CopyAsync_TargetTableLockedByAnotherSession_WaitsOrRetriesThenCompletesOnceReleased(bool lockTimeout)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "f_lock");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id bigint PRIMARY KEY, v text)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 500) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]);
        var application = "locked_" + Guid.NewGuid().ToString("N")[..10];
        var copierTarget = new NpgsqlConnectionStringBuilder(WithApplication(target, application))
        {
            Options = lockTimeout ? "-c lock_timeout=150" : null,
        }.ConnectionString;
        using var counts = new QuarantineTestKit.MetricCounts(_metrics);
        var copier = Copier();
        await new PostgresControlStore(_dataSources).EnsureSchemaAsync(target, CopyTestKit.ControlSchema);

        await using var holder = new NpgsqlConnection(target);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE items IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var copy = copier.CopyAsync(CopyTestKit.Request("lock", source, copierTarget, plan), CopyTestKit.Collect([]));
        if (lockTimeout)
        {
            await WaitFor.ConditionAsync(() => Task.FromResult(counts.Retries >= 1), TimeSpan.FromSeconds(20), "the copier to retry after a lock timeout");
        }
        else
        {
            await WaitFor.ConditionAsync(async () => await PostgresServer.ScalarAsync<long>(target,
                $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}' AND wait_event_type = 'Lock'") > 0,
                TimeSpan.FromSeconds(20), "the copier to wait for the lock");
        }

        Assert.False(copy.IsCompleted);
        await transaction.CommitAsync();
        var result = await copy;

        Assert.Equal(500, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }

    private PostgresTableCopier Copier() =>
        new(_dataSources, new PostgresControlStore(_dataSources), null, null, _metrics) { RetryBaseDelay = TimeSpan.FromMilliseconds(20) };

    private static string WithApplication(string connectionString, string application) =>
        new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = application }.ConnectionString;

    /// <summary>Terminates the copier's backends that are running a statement, <paramref name="times"/> times.</summary>
    private static async Task<int> TerminateAsync(string connectionString, string application, int times, CancellationToken cancellationToken)
    {
        var terminated = 0;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        while (terminated < times && !cancellationToken.IsCancellationRequested)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE 'COPY%'",
                connection);
            command.Parameters.AddWithValue(application);
            terminated += (int)(long)(await command.ExecuteScalarAsync(CancellationToken.None))!;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(terminated == 0 ? 5 : 150), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return terminated;
    }
}
