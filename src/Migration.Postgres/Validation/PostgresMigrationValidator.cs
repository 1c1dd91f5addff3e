using System.Globalization;
using Microsoft.Extensions.Logging;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Mapping;
using Migration.Core.Planning;
using Migration.Core.Validation;
using Migration.Postgres.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace Migration.Postgres.Validation;

/// <summary>
/// Full validation of one migrated table: count(*) and an order-independent content checksum over the mapped
/// columns, computed in SQL on source and target at the same time (one sequential scan per side, see
/// <see cref="ValidationQueries.CountAndChecksum"/>), then orphans on the target for every foreign key of the target
/// table and, for a table created from the source, every foreign key the source declares. Every finding is a plain
/// sentence in <see cref="TableValidation.Issues"/>; an empty list means the table passed.
/// </summary>
/// <remarks>
/// The checksum compares the text of the values, so it holds for identity mappings and for mappings between types
/// whose text is the same (varchar → text, int → bigint, json → json); a mapping that transforms values (an integer
/// id into a UUID) produces a different checksum by design and needs its own comparison.
/// </remarks>
public sealed partial class PostgresMigrationValidator(ILogger<PostgresMigrationValidator> logger) : IMigrationValidator
{
    public Task<TableValidation> ValidateTableAsync(
        string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source, CancellationToken cancellationToken = default) =>
        ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, QuarantineExclusion.None, cancellationToken);

    /// <summary>
    /// As the overload without <paramref name="quarantined"/>, with the source rows the copy set aside left out of the
    /// source's count and checksum (those rows, identified by their keys, and only those).
    /// </summary>
    public Task<TableValidation> ValidateTableAsync(
        string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source, QuarantineExclusion quarantined,
        CancellationToken cancellationToken = default) =>
        ValidateTableAsync(sourceConnectionString, targetConnectionString, table, source, quarantined, null, null, cancellationToken);

    /// <summary>
    /// As the overload without <paramref name="spec"/>: a mapped table is validated against the whole specification
    /// (null: its own part, which only works for a table whose references stay within it) and the outcomes of
    /// <paramref name="migrationId"/> (null: every migration recorded in the control schema).
    /// </summary>
    public async Task<TableValidation> ValidateTableAsync(
        string sourceConnectionString, string targetConnectionString, TablePlan table, DatabaseCatalog source, QuarantineExclusion quarantined,
        MappingSpec? spec, string? migrationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(quarantined);
        if (table.Mapping.Spec is not null)
        {
            // Transformed rows cannot match a checksum: reconciliation, integrity, mapping completeness, deep compare.
            var controlSchema = await MappedTableValidator.FindControlSchemaAsync(targetConnectionString, cancellationToken) ?? "migration_control";
            return await new MappedTableValidator(logger).ValidateAsync(sourceConnectionString, targetConnectionString, table,
                spec ?? new MappingSpec([table.Mapping.Spec]), controlSchema, migrationId, cancellationToken);
        }

        var mapping = table.Mapping;
        var sourceTable = source.FindTable(mapping.Source);
        var columns = mapping.Columns.Count > 0
            ? mapping.Columns.Select(c => (c.SourceColumn, c.TargetColumn)).ToList()
            : (sourceTable?.CopyableColumns ?? []).Select(c => (SourceColumn: c.Name, TargetColumn: c.Name)).ToList();

        // A partitioned table is read with its partitions, any other without inheritance children (ONLY).
        var only = sourceTable is not { IsPartitioned: true };
        var sourceSide = quarantined.IsEmpty
            ? ChecksumAsync(sourceConnectionString, mapping.Source, columns.Select(c => c.SourceColumn), only, cancellationToken)
            : ChecksumWithoutAsync(sourceConnectionString, mapping.Source, columns.Select(c => c.SourceColumn), only, quarantined, cancellationToken);
        var targetSide = TargetSideAsync(targetConnectionString, table, sourceTable, columns.Select(c => c.TargetColumn), only, cancellationToken);
        await Task.WhenAll(sourceSide, targetSide);
        var (sourceRows, sourceChecksum) = await sourceSide;
        var (targetRows, targetChecksum, orphans, orphanIssues) = await targetSide;

        var issues = new List<string>();
        if (sourceRows != targetRows)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture, $"row count differs: source {sourceRows:N0}, target {targetRows:N0}"));
        }

        if (sourceChecksum != targetChecksum)
        {
            issues.Add("content checksum differs");
        }

        issues.AddRange(orphanIssues);
        var result = new TableValidation(table.Table.ToString(), sourceRows, targetRows, sourceChecksum, targetChecksum, orphans, issues)
        {
            QuarantinedRows = quarantined.Keys.Count,
        };
        LogValidated(logger, result.Table, result.Passed, sourceRows, targetRows, orphans);
        return result;
    }

    private static async Task<(long Rows, string Checksum)> ChecksumWithoutAsync(
        string connectionString, QualifiedName table, IEnumerable<string> columns, bool only, QuarantineExclusion quarantined, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);
        await using var command = PostgresSession.Command(connection,
            ValidationQueries.CountAndChecksum(table, columns, only, ValidationQueries.NotQuarantined(quarantined.KeyColumns)));
        command.Parameters.Add(new NpgsqlParameter { Value = System.Text.Json.JsonSerializer.Serialize(quarantined.Keys), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(
        string connectionString, QualifiedName table, IEnumerable<string> columns, bool only, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);
        return await ChecksumAsync(connection, table, columns, only, cancellationToken);
    }

    private static async Task<(long Rows, string Checksum)> ChecksumAsync(
        NpgsqlConnection connection, QualifiedName table, IEnumerable<string> columns, bool only, CancellationToken cancellationToken)
    {
        await using var command = PostgresSession.Command(connection, ValidationQueries.CountAndChecksum(table, columns, only));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task<(long Rows, string Checksum, long Orphans, List<string> Issues)> TargetSideAsync(
        string connectionString, TablePlan table, TableInfo? sourceTable, IEnumerable<string> columns, bool only, CancellationToken cancellationToken)
    {
        var target = table.Mapping.Target;
        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);
        var (rows, checksum) = await ChecksumAsync(connection, target, columns, only, cancellationToken);

        var checks = await TargetForeignKeysAsync(connection, target, cancellationToken);
        if (table.CreateInTarget && sourceTable is not null)
        {
            foreach (var check in SourceForeignKeys(sourceTable, table.Mapping))
            {
                if (!checks.Exists(c => c.SameReference(check)))
                {
                    checks.Add(check);
                }
            }
        }

        var issues = new List<string>();
        long orphans = 0;
        var kinds = await RelationKindsAsync(connection, checks.Select(c => c.ReferencedTable).Distinct(), cancellationToken);
        foreach (var check in checks)
        {
            var kind = kinds.GetValueOrDefault(check.ReferencedTable);
            if (kind is null)
            {
                issues.Add($"foreign key {check.Name} references {check.ReferencedTable}, which does not exist in the target");
                continue;
            }

            await using var command = PostgresSession.Command(connection, ValidationQueries.Orphans(target, only, check, kind == "r"));
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            if (count > 0)
            {
                orphans += count;
                issues.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{count:N0} {(count == 1 ? "row references a" : "rows reference")} missing {check.ReferencedTable.Name} ({check.Name})"));
            }
        }

        return (rows, checksum, orphans, issues);
    }

    private static async Task<List<OrphanCheck>> TargetForeignKeysAsync(NpgsqlConnection connection, QualifiedName table, CancellationToken cancellationToken)
    {
        var checks = new List<OrphanCheck>();
        await using var command = PostgresSession.Command(connection, ValidationQueries.ForeignKeys);
        command.Parameters.Add(new NpgsqlParameter { Value = table.Quoted, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checks.Add(new OrphanCheck(reader.GetString(0), reader.GetFieldValue<string[]>(3),
                new QualifiedName(reader.GetString(1), reader.GetString(2)), reader.GetFieldValue<string[]>(4)));
        }

        return checks;
    }

    /// <summary>The source's foreign keys in target terms: child columns through the mapping; parents keep their names.</summary>
    private static IEnumerable<OrphanCheck> SourceForeignKeys(TableInfo sourceTable, TableMapping mapping)
    {
        foreach (var foreignKey in sourceTable.ForeignKeys)
        {
            var columns = foreignKey.Columns
                .Select(c => mapping.Columns.Count == 0 ? c : mapping.Columns.FirstOrDefault(m => m.SourceColumn == c)?.TargetColumn)
                .ToList();
            if (columns.Any(c => c is null))
            {
                continue;
            }

            var parent = foreignKey.ReferencedTable == mapping.Source ? mapping.Target : foreignKey.ReferencedTable;
            yield return new OrphanCheck(foreignKey.Name, columns!, parent, foreignKey.ReferencedColumns);
        }
    }

    private static async Task<Dictionary<QualifiedName, string?>> RelationKindsAsync(
        NpgsqlConnection connection, IEnumerable<QualifiedName> tables, CancellationToken cancellationToken)
    {
        var list = tables.ToList();
        var result = new Dictionary<QualifiedName, string?>();
        if (list.Count == 0)
        {
            return result;
        }

        var byQuoted = list.ToDictionary(t => t.Quoted);
        await using var command = PostgresSession.Command(connection, ValidationQueries.RelationKinds);
        command.Parameters.Add(new NpgsqlParameter { Value = byQuoted.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[byQuoted[reader.GetString(0)]] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Validated {Table}: passed {Passed}, source {SourceRows} rows, target {TargetRows} rows, {Orphans} orphans")]
    private static partial void LogValidated(ILogger logger, string table, bool passed, long sourceRows, long targetRows, long orphans);
}
