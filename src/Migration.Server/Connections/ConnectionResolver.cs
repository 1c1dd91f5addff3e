using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Postgres.Execution;
using Migration.Server.Errors;
using Npgsql;

namespace Migration.Server.Connections;

/// <summary>
/// Turns a <see cref="ConnectionSpec"/> into a checked connection: a connection string, or the name of one configured
/// under <c>Connections:&lt;name&gt;</c>. Malformed input is INVALID_ARGUMENT; a database that cannot be reached or
/// refuses the login is FAILED_PRECONDITION; both name the side ("source"/"target") and never echo a password.
/// </summary>
public sealed partial class ConnectionResolver(IConfiguration configuration, NamedConnections named, ILogger<ConnectionResolver> logger)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Seconds an idle pooled connection is kept unless the connection string says otherwise.</summary>
    public const int PoolIdleLifetimeSeconds = 15;

    /// <summary>Seconds between two checks for idle pooled connections unless the connection string says otherwise.</summary>
    public const int PoolPruningIntervalSeconds = 5;

    public async Task<ResolvedConnection> ResolveAsync(ConnectionSpec? spec, string side, CancellationToken cancellationToken)
    {
        var raw = spec?.KindCase switch
        {
            ConnectionSpec.KindOneofCase.ConnectionString when !string.IsNullOrWhiteSpace(spec.ConnectionString) => spec.ConnectionString,
            ConnectionSpec.KindOneofCase.Name when !string.IsNullOrWhiteSpace(spec.Name) => FindNamed(spec.Name, side)
                ?? throw RpcErrors.InvalidArgument($"Unknown {side} connection name '{spec.Name}'.",
                    ($"{side}.name", $"no connection named '{spec.Name}' is configured on the server (Connections:{spec.Name})")),
            _ => throw RpcErrors.InvalidArgument($"The {side} database is missing.",
                (side, "give a connection string or the name of a connection configured on the server")),
        };

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(raw);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw RpcErrors.InvalidArgument($"The {side} connection string is malformed: {ex.Message}",
                ($"{side}.connection_string", ex.Message));
        }

        // What the caller set explicitly (the builder cannot tell a default from a given value).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = raw };
        ApplySslDefaults(given, builder);
        ApplyPoolDefaults(given, builder);
        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw RpcErrors.InvalidArgument($"The {side} connection string must name a Host and a Database.",
                ($"{side}.connection_string", "Host and Database are required"));
        }

        builder.Timeout = builder.Timeout is 0 or 15 ? (int)ProbeTimeout.TotalSeconds : builder.Timeout;
        var description = NpgsqlDataSourceProvider.Describe(builder.ConnectionString);
        await ProbeAsync(builder.ConnectionString, side, description, cancellationToken);
        return new ResolvedConnection(builder.ConnectionString, description);
    }

    /// <summary>The named connection with its secret files read now; a file that cannot be used is FAILED_PRECONDITION.</summary>
    private string? FindNamed(string name, string side)
    {
        try
        {
            return named.Find(name);
        }
        catch (NamedConnectionException ex)
        {
            LogNamedUnusable(logger, side, ex.Message);
            throw RpcErrors.FailedPrecondition($"The {side} connection '{name}' is configured on the server but cannot be used: {ex.Setting}: {ex.Reason}.",
                ($"{side}.name", $"{ex.Setting}: {ex.Reason}"));
        }
    }

    /// <summary>
    /// Database:SslMode (Disable, Allow, Prefer, Require, VerifyCA, VerifyFull) and Database:RootCertificate apply to
    /// connection strings that do not set their own SSL Mode / Root Certificate.
    /// </summary>
    private void ApplySslDefaults(System.Data.Common.DbConnectionStringBuilder given, NpgsqlConnectionStringBuilder builder)
    {
        if (configuration["Database:SslMode"] is { Length: > 0 } mode && !given.ContainsKey("SSL Mode") && !given.ContainsKey("SslMode"))
        {
            builder.SslMode = Enum.TryParse<SslMode>(mode, ignoreCase: true, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"Database:SslMode '{mode}' is not one of {string.Join(", ", Enum.GetNames<SslMode>())}.");
        }

        if (configuration["Database:RootCertificate"] is { Length: > 0 } root && !given.ContainsKey("Root Certificate") && !given.ContainsKey("RootCertificate"))
        {
            builder.RootCertificate = root;
        }
    }

    /// <summary>
    /// A server runs many migrations, each with pools on its own databases: connections idle for
    /// <see cref="PoolIdleLifetimeSeconds"/> s are closed (checked every <see cref="PoolPruningIntervalSeconds"/> s)
    /// instead of Npgsql's 300 s, so finished and paused migrations hand their connections back to the database
    /// (which counts them against <c>max_connections</c>). A connection string that sets its own Connection Idle
    /// Lifetime / Connection Pruning Interval keeps them.
    /// </summary>
    private static void ApplyPoolDefaults(System.Data.Common.DbConnectionStringBuilder given, NpgsqlConnectionStringBuilder builder)
    {
        if (!given.ContainsKey("Connection Idle Lifetime") && !given.ContainsKey("ConnectionIdleLifetime"))
        {
            builder.ConnectionIdleLifetime = Math.Max(PoolIdleLifetimeSeconds, builder.ConnectionPruningInterval);
        }

        if (!given.ContainsKey("Connection Pruning Interval") && !given.ContainsKey("ConnectionPruningInterval"))
        {
            builder.ConnectionPruningInterval = Math.Min(PoolPruningIntervalSeconds, builder.ConnectionIdleLifetime);
        }
    }

    private async Task ProbeAsync(string connectionString, string side, string description, CancellationToken cancellationToken)
    {
        try
        {
            // A one-off check: the connection is closed, not left idle in a pool.
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            await connection.OpenAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex switch
            {
                PostgresException pg => $"{pg.MessageText} (SqlState {pg.SqlState})",
                OperationCanceledException or TimeoutException => $"no answer within {ProbeTimeout.TotalSeconds:0} seconds",
                _ => ex.InnerException?.Message ?? ex.Message,
            };
            LogUnreachable(logger, side, description, reason);
            throw RpcErrors.FailedPrecondition($"Cannot connect to the {side} database {description}: {reason}",
                (side, reason));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Side} connection asked for cannot be used: {Reason}")]
    private static partial void LogNamedUnusable(ILogger logger, string side, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to the {Side} database {Description}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string side, string description, string reason);
}
