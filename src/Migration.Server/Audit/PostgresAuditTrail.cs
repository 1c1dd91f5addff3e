using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Migration.Agents.Abstractions;
using Migration.Postgres.Execution;
using Migration.Server.Connections;
using Migration.Server.Security;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Server.Audit;

/// <summary>
/// The audit trail in PostgreSQL: table <c>audit_log</c> in the control schema of the migration's target (see
/// <see cref="AuditSql"/>), or of the Audit:Connection database for records without a migration. Every record is
/// also logged (category Migration.Server.Audit). Details are redacted before they are written anywhere.
/// </summary>
public sealed partial class PostgresAuditTrail(
    IGrainFactory grains,
    NpgsqlDataSourceProvider dataSources,
    NamedConnections named,
    IOptions<AuditOptions> options,
    ILogger<PostgresAuditTrail> logger) : IAuditTrail
{
    private readonly ConcurrentDictionary<(string ConnectionString, string Schema), bool> _ensured = new();

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        record = record with { Detail = SecretRedactor.Redact(record.Detail) };
        LogRecord(logger, record.Actor, record.Action, record.MigrationId ?? "-", record.Outcome, record.Peer);
        try
        {
            var location = await LocateAsync(record.MigrationId);
            if (location is null)
            {
                return;
            }

            await EnsureAsync(location.Value.ConnectionString, location.Value.Schema, cancellationToken);
            await using var connection = await dataSources.OpenConnectionAsync(location.Value.ConnectionString, cancellationToken);
            await using var command = new NpgsqlCommand(AuditSql.Insert(location.Value.Schema), connection);
            var p = command.Parameters;
            p.Add(new NpgsqlParameter { Value = (object?)record.MigrationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.Actor });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.AuthMethod });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. record.Roles] });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.Action });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.Peer });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.Outcome });
            p.Add(new NpgsqlParameter<string> { TypedValue = record.Detail });
            p.Add(new NpgsqlParameter { Value = (object?)record.TraceId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            LogLost(logger, record.Actor, record.Action, record.MigrationId ?? "-", record.Outcome, SecretRedactor.Redact(ex.Message));
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var location = await LocateAsync(query.MigrationId);
        if (location is null)
        {
            throw query.MigrationId is { Length: > 0 }
                ? new KeyNotFoundException($"No migration with id '{query.MigrationId}'.")
                : new InvalidOperationException(
                    "The server keeps no audit trail of its own: give a migration id, or configure Audit:Connection (a named connection).");
        }

        var (connectionString, schema) = location.Value;
        await using var connection = await dataSources.OpenConnectionAsync(connectionString, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AuditSql.Exists(schema) });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return [];
            }
        }

        await using var command = new NpgsqlCommand(AuditSql.Select(schema), connection);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter { Value = (object?)query.MigrationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<long> { TypedValue = query.BeforeId });
        p.Add(new NpgsqlParameter<int> { TypedValue = query.PageSize });
        p.Add(new NpgsqlParameter { Value = (object?)query.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)query.Action ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<string[]>(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetString(8),
                reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10)));
        }

        return records;
    }

    private async Task<(string ConnectionString, string Schema)?> LocateAsync(string? migrationId)
    {
        if (!string.IsNullOrWhiteSpace(migrationId))
        {
            var connections = await grains.GetGrain<IOrchestratorGrain>(migrationId).GetConnectionsAsync();
            if (connections is not null)
            {
                return (connections.TargetConnectionString, connections.ControlSchema);
            }

            return null;
        }

        var name = options.Value.Connection;
        return !string.IsNullOrWhiteSpace(name) && named.Find(name) is { Length: > 0 } connectionString
            ? (connectionString, options.Value.ControlSchema)
            : null;
    }

    private async Task EnsureAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        if (_ensured.ContainsKey((connectionString, schema)))
        {
            return;
        }

        await using var connection = await dataSources.OpenConnectionAsync(connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AuditSql.SchemaLockClass });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddl = new NpgsqlCommand(AuditSql.Create(schema), connection, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _ensured[(connectionString, schema)] = true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit: {Actor} {Action} migration {MigrationId} -> {Outcome} from {Peer}")]
    private static partial void LogRecord(ILogger logger, string actor, string action, string migrationId, string outcome, string peer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit record not stored ({Actor} {Action} migration {MigrationId} -> {Outcome}): {Reason}")]
    private static partial void LogLost(ILogger logger, string actor, string action, string migrationId, string outcome, string reason);
}
