using System.Collections.Concurrent;
using Migration.Core.Abstractions;
using Migration.Core.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Migration.Postgres.Execution;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Control;

/// <summary>
/// The control schema in the target database: <c>migration_control</c> (one row per table and migration),
/// <c>checkpoints</c> (committed with each page), <c>migration_mappings</c> and <c>quarantine</c>.
/// </summary>
/// <remarks>
/// Every call is retried on transient failures (seed L1, <see cref="ControlStoreResilience"/>): connection loss,
/// administrator shutdown, serialization failures, statement and lock timeouts.
/// </remarks>
public sealed class PostgresControlStore : IControlStore
{
    private readonly NpgsqlDataSourceProvider _dataSources;
    private readonly ConcurrentDictionary<(string ConnectionString, string Schema), bool> _ensured = new();
    private readonly ControlStoreResilience _resilience;

    public PostgresControlStore(NpgsqlDataSourceProvider dataSources, ILogger<PostgresControlStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSources);
        _dataSources = dataSources;
        _resilience = new ControlStoreResilience(dataSources, logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>Base delay of the retry backoff (exponential with jitter).</summary>
    public TimeSpan RetryBaseDelay { get => _resilience.BaseDelay; init => _resilience.BaseDelay = value; }

    public Task EnsureSchemaAsync(string targetConnectionString, string controlSchema, CancellationToken cancellationToken = default) =>
        _resilience.ExecuteAsync(targetConnectionString, "ensure schema", ct => EnsureSchemaOnceAsync(targetConnectionString, controlSchema, ct), cancellationToken);

    public Task<IReadOnlyList<TableCheckpoint>> GetCheckpointsAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken = default) =>
        _resilience.ExecuteAsync(targetConnectionString, "read checkpoints", ct => GetCheckpointsOnceAsync(targetConnectionString, controlSchema, migrationId, ct), cancellationToken);

    public Task RecordTableStatusAsync(string targetConnectionString, string controlSchema, TableControlRecord record, CancellationToken cancellationToken = default) =>
        _resilience.ExecuteAsync(targetConnectionString, "record table status", ct => RecordTableStatusOnceAsync(targetConnectionString, controlSchema, record, ct), cancellationToken);

    /// <summary>
    /// Creates the control schema and its tables when missing. Safe to call concurrently from several workers or
    /// servers: the DDL runs under a transaction-level advisory lock keyed on the schema name.
    /// </summary>
    private async Task EnsureSchemaOnceAsync(string targetConnectionString, string controlSchema, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(controlSchema);
        if (_ensured.ContainsKey((targetConnectionString, controlSchema)))
        {
            return;
        }

        await using var connection = await _dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ControlSchemaSql.SchemaLockClass });
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = controlSchema });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var ddl = new NpgsqlCommand(ControlSchemaSql.CreateSchema(controlSchema), connection, transaction))
        {
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        _ensured[(targetConnectionString, controlSchema)] = true;
    }

    /// <summary>Every checkpoint of a migration, empty when the control schema does not exist yet.</summary>
    private async Task<IReadOnlyList<TableCheckpoint>> GetCheckpointsOnceAsync(string targetConnectionString, string controlSchema, string migrationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(controlSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        await using var connection = await _dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{Core.Catalog.QualifiedName.QuoteIdentifier(controlSchema)}.checkpoints" });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return [];
            }
        }

        await using var command = new NpgsqlCommand(ControlSchemaSql.SelectCheckpoints(controlSchema), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migrationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checkpoints = new List<TableCheckpoint>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(new TableCheckpoint(
                reader.GetString(0),
                reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<string?[]>(2),
                reader.GetInt64(3),
                reader.GetInt32(4),
                reader.GetBoolean(5)));
        }

        return checkpoints;
    }

    /// <summary>Inserts or updates the migration_control row of (migration, table).</summary>
    private async Task RecordTableStatusOnceAsync(string targetConnectionString, string controlSchema, TableControlRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(controlSchema);
        await using var connection = await _dataSources.OpenConnectionAsync(targetConnectionString, cancellationToken);
        await using var command = new NpgsqlCommand(ControlSchemaSql.UpsertTableStatus(controlSchema), connection);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string> { TypedValue = record.MigrationId });
        p.Add(new NpgsqlParameter<string> { TypedValue = record.Phase });
        p.Add(new NpgsqlParameter<string> { TypedValue = record.TableName });
        p.Add(new NpgsqlParameter<string> { TypedValue = record.Operation });
        p.Add(new NpgsqlParameter<string> { TypedValue = record.Status });
        p.Add(new NpgsqlParameter<long> { TypedValue = record.RecordsProcessed });
        p.Add(new NpgsqlParameter<long> { TypedValue = record.TotalRecords });
        p.Add(new NpgsqlParameter { Value = (object?)record.StartedAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = (object?)record.CompletedAt?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = (object?)record.ErrorMessage ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter<int> { TypedValue = record.BatchSize });
        p.Add(new NpgsqlParameter { Value = record.WorkerId, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)record.SourceQuery ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = (object?)record.ValidationQuery ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
