using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Migration.Agents.Abstractions;
using Migration.Core.Abstractions;
using Migration.Core.Migrations;
using Migration.Postgres.Execution;
using Migration.Server.Connections;
using Npgsql;

namespace Migration.Server.Health;

/// <summary>
/// The databases the server works with are reachable and answer quickly (seed "queryResponseTime &lt; 500 ms"): the
/// source and target of every unfinished migration (unreachable → Unhealthy) and every configured named connection
/// (unreachable → Degraded: nothing depends on it yet); slow → Degraded; each with the database (no password) and why.
/// </summary>
public sealed class DatabaseHealthCheck(
    IMigrationRegistry registry,
    IGrainFactory grains,
    NpgsqlDataSourceProvider dataSources,
    NamedConnections named,
    IOptionsMonitor<HealthThresholds> thresholds) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unusable = new List<(HealthStatus Status, string Text)>();
        var databases = await DatabasesAsync(unusable, cancellationToken);
        if (databases.Count == 0 && unusable.Count == 0)
        {
            return HealthCheckResult.Healthy("no database in use");
        }

        var probes = (await Task.WhenAll(databases.Select(d => ProbeAsync(d.Key, d.Value.ConnectionString, d.Value.InUse, cancellationToken))))
            .Concat(unusable).ToList();
        var text = string.Join("; ", probes.Select(p => p.Text));
        return probes.Any(p => p.Status == HealthStatus.Unhealthy) ? HealthCheckResult.Unhealthy(text)
            : probes.Any(p => p.Status == HealthStatus.Degraded) ? HealthCheckResult.Degraded(text)
            : HealthCheckResult.Healthy(text);
    }

    /// <summary>Source and target of every unfinished migration, with their labels.</summary>
    private async Task<List<(string ConnectionString, string Label)>> InUseAsync(CancellationToken cancellationToken)
    {
        var inUse = new List<(string, string)>();
        foreach (var id in await registry.ListAsync(100, cancellationToken))
        {
            var grain = grains.GetGrain<IOrchestratorGrain>(id);
            var snapshot = await grain.GetAsync();
            if (snapshot is null || snapshot.Phase.IsTerminal() || await grain.GetConnectionsAsync() is not { } connections)
            {
                continue;
            }

            inUse.Add((connections.SourceConnectionString, $"source of {id}"));
            inUse.Add((connections.TargetConnectionString, $"target of {id}"));
        }

        return inUse;
    }

    /// <param name="unusable">Named connections whose secret files cannot be used, or the migrations when the store does
    /// not answer (Degraded: their databases' state is not known).</param>
    private async Task<Dictionary<string, (string ConnectionString, bool InUse)>> DatabasesAsync(
        List<(HealthStatus Status, string Text)> unusable, CancellationToken cancellationToken)
    {
        // Connection string -> label; the same database under two labels is probed once (as in use if either is).
        var byConnection = new Dictionary<string, (string Label, bool InUse)>(StringComparer.Ordinal);

        // The migrations are listed from the store: when it does not answer, say so instead of hanging (its own check
        // reports it Unhealthy).
        var timeout = thresholds.CurrentValue.StoreTimeout;
        var listing = InUseAsync(cancellationToken);
        _ = listing.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            foreach (var (connectionString, label) in await listing.WaitAsync(timeout, cancellationToken))
            {
                byConnection.TryAdd(connectionString, (label, true));
            }
        }
        catch (TimeoutException)
        {
            unusable.Add((HealthStatus.Degraded, $"the migrations in use cannot be listed: the store did not answer within {timeout.TotalSeconds:0.#} s"));
        }

        foreach (var name in named.Names())
        {
            try
            {
                if (named.Find(name) is { } connectionString)
                {
                    byConnection.TryAdd(connectionString, ($"connection '{name}'", false));
                }
            }
            catch (NamedConnectionException ex)
            {
                unusable.Add((HealthStatus.Degraded, $"connection '{name}': unusable: {ex.Setting}: {ex.Reason}"));
            }
        }

        return byConnection.ToDictionary(p => p.Value.Label, p => (p.Key, p.Value.InUse), StringComparer.Ordinal);
    }

    private async Task QueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.OpenConnectionAsync(connectionString, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<(HealthStatus Status, string Text)> ProbeAsync(string label, string connectionString, bool inUse, CancellationToken cancellationToken)
    {
        string description;
        try
        {
            description = NpgsqlDataSourceProvider.Describe(connectionString);
        }
        catch (ArgumentException)
        {
            return (inUse ? HealthStatus.Unhealthy : HealthStatus.Degraded, $"{label}: malformed connection string");
        }

        var limits = thresholds.CurrentValue;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.QueryTimeout);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // A database that accepts the connection but never answers may not notice the cancellation before its own
            // connect timeout: the check does not wait for it (the abandoned attempt ends on its own).
            var query = QueryAsync(connectionString, timeout.Token);
            _ = query.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await query.WaitAsync(limits.QueryTimeout, cancellationToken);
            var elapsed = stopwatch.Elapsed;
            var text = $"{label} {description}: {elapsed.TotalMilliseconds:0} ms";
            return elapsed > limits.QueryResponse ? (HealthStatus.Degraded, text + " (slow)") : (HealthStatus.Healthy, text);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex switch
            {
                PostgresException pg => $"{pg.MessageText} (SqlState {pg.SqlState})",
                // However Npgsql words it (a cancelled connect is an NpgsqlException around the cancellation).
                _ when timeout.IsCancellationRequested => $"no answer within {limits.QueryTimeout.TotalSeconds:0.#} s",
                OperationCanceledException or TimeoutException => $"no answer within {limits.QueryTimeout.TotalSeconds:0.#} s",
                _ => ex.InnerException?.Message ?? ex.Message,
            };
            return (inUse ? HealthStatus.Unhealthy : HealthStatus.Degraded, $"{label} {description}: unreachable: {Security.SecretRedactor.Redact(reason)}");
        }
    }
}
