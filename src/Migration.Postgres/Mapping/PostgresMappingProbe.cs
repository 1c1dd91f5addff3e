using System.Globalization;
using Migration.Core.Abstractions;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.Postgres.Catalog;
using Npgsql;

namespace Migration.Postgres.Mapping;

/// <summary>
/// The mapping's look at a live PostgreSQL database: prepares the SQL of a spec (filters, expressions) on the source
/// inside a READ ONLY transaction without reading a row, and samples column values. Sessions are the catalog reader's
/// (<c>search_path = pg_catalog</c>), as the copy engine's are, so an expression that works here works there.
/// </summary>
public sealed class PostgresMappingProbe : IMappingProbe
{
    /// <summary>Rows read from a table to find its distinct values (a bounded sample, not the whole table).</summary>
    public const int SampleRows = 10_000;

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<MappingIssue>> CheckSqlAsync(string sourceConnectionString, MappingSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var checks = new List<(string Path, string Own, string Sql, string What)>();
        for (var i = 0; i < spec.Tables.Count; i++)
        {
            var table = spec.Tables[i];
            if (table.Filter is { Length: > 0 } filter)
            {
                checks.Add(($"tables[{i}].filter", filter, $"SELECT 1 FROM {table.Source.Quoted} WHERE ({filter}) LIMIT 0", "row filter"));
            }

            for (var j = 0; j < table.Columns.Count; j++)
            {
                if (table.Columns[j] is { Transform: ColumnTransform.Expression, Expression: { Length: > 0 } expression })
                {
                    checks.Add(($"tables[{i}].columns[{j}].expression", expression, $"SELECT ({expression}) FROM {table.Source.Quoted} LIMIT 0", "expression"));
                }
            }
        }

        var issues = new List<MappingIssue>();
        if (checks.Count == 0)
        {
            return issues;
        }

        await using var connection = await PostgresSession.OpenAsync(sourceConnectionString, cancellationToken);
        foreach (var (path, own, sql, what) in checks)
        {
            // The spec's own SQL follows the mapping SQL rules before it is parsed here (a ';' inside a string is fine).
            if (SqlExpressionGuard.Check(own, what) is { } refused)
            {
                issues.Add(new MappingIssue(MappingIssueSeverity.Error, path, refused, "unsafe-sql"));
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await using (var readOnly = PostgresSession.Command(connection,
                    $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {(int)CheckTimeout.TotalMilliseconds}", transaction))
                {
                    await readOnly.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var command = PostgresSession.Command(connection, sql, transaction);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    // LIMIT 0: nothing to read; the statement was parsed, planned and type-checked.
                }
            }
            catch (PostgresException ex)
            {
                issues.Add(new MappingIssue(MappingIssueSeverity.Error, path,
                    $"PostgreSQL rejects the {what}: {ex.MessageText}{(ex.Hint is { Length: > 0 } hint ? $" ({hint})" : "")}", "invalid-sql"));
            }
            finally
            {
                await transaction.RollbackAsync(cancellationToken);
            }
        }

        return issues;
    }

    public async Task<IReadOnlyList<SampledColumn>> SampleAsync(string connectionString, QualifiedName table, IReadOnlyList<string> columns, int maxDistinct,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        var result = new List<SampledColumn>();
        if (columns.Count == 0)
        {
            return result;
        }

        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);
        long sampled;
        await using (var count = PostgresSession.Command(connection, $"SELECT count(*) FROM (SELECT 1 FROM {table.Quoted} LIMIT {SampleRows}) s"))
        {
            sampled = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        foreach (var column in columns)
        {
            var quoted = QualifiedName.QuoteIdentifier(column);
            var sql = $"SELECT DISTINCT v FROM (SELECT {quoted}::text AS v FROM {table.Quoted} LIMIT {SampleRows}) s " +
                $"WHERE v IS NOT NULL ORDER BY v LIMIT {(maxDistinct + 1).ToString(CultureInfo.InvariantCulture)}";
            var values = new List<string>();
            await using var command = PostgresSession.Command(connection, sql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(reader.GetString(0));
            }

            var more = values.Count > maxDistinct;
            result.Add(new SampledColumn(column, more ? values.Take(maxDistinct).ToList() : values, more, sampled));
        }

        return result;
    }

    public async Task<IReadOnlyList<IReadOnlyList<string?>>> ReadRowsAsync(string connectionString, QualifiedName table, IReadOnlyList<string> columns, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        var rows = new List<IReadOnlyList<string?>>();
        if (columns.Count == 0)
        {
            return rows;
        }

        var list = string.Join(", ", columns.Select(c => QualifiedName.QuoteIdentifier(c) + "::text"));
        await using var connection = await PostgresSession.OpenAsync(connectionString, cancellationToken);
        await using var command = PostgresSession.Command(connection,
            $"SELECT {list} FROM {table.Quoted} ORDER BY 1 LIMIT {limit.ToString(CultureInfo.InvariantCulture)}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new string?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
