using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Execution;

/// <summary>Plans, requests and content digests for copy tests (the planner and catalog are other components).</summary>
internal static class CopyTestKit
{
    public const string ControlSchema = "migration_control";

    public static BatchSettings SmallPages { get; } = new()
    {
        BaseBatchSize = 100,
        MinBatchSize = 10,
        MaxBatchSize = 400,
        AdjustmentFactor = 0.25,
        PerformanceThreshold = TimeSpan.FromSeconds(30),
    };

    public static async Task<TablePlan> PlanAsync(
        string sourceConnectionString,
        string table,
        WritePath path,
        IReadOnlyList<string> keyColumns,
        int initialBatchSize = 100,
        CopyFormat format = CopyFormat.Binary)
    {
        var name = QualifiedName.Parse(table);
        var columns = new List<ColumnMapping>();
        await using (var connection = new NpgsqlConnection(sourceConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a
                WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum
                """, connection);
            command.Parameters.AddWithValue(name.Quoted);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add(new ColumnMapping(reader.GetString(0), reader.GetString(0), reader.GetString(1), reader.GetString(1)));
            }
        }

        return new TablePlan(
            name,
            TableClass.Transactional,
            1000,
            0,
            path,
            keyColumns.Count > 0 ? PagingStrategy.Keyset : PagingStrategy.CtidRange,
            keyColumns,
            false,
            initialBatchSize,
            TimeSpan.FromSeconds(1),
            [],
            "test",
            "test",
            new TableMapping(name, name, columns))
        {
            CopyFormat = format,
        };
    }

    public static TableCopyRequest Request(string migrationId, string source, string target, TablePlan plan, BatchSettings? batch = null, bool validate = true) =>
        new(migrationId, source, target, plan, plan.Mapping.Columns.Select(c => c.SourceColumn).ToList(), batch ?? SmallPages, ControlSchema, validate);

    /// <summary>Row count and md5 of the ordered text of every row (equal content gives equal digests).</summary>
    public static async Task<(long Rows, string Md5)> DigestAsync(string connectionString, string table)
    {
        var name = QualifiedName.Parse(table);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text COLLATE \"C\")), '') FROM {name.Quoted} r", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetString(1));
    }

    public static async Task<(string Source, string Target)> CreateDatabasesAsync(PostgresServer server, string prefix)
    {
        var source = await server.CreateDatabaseAsync(prefix + "_s");
        var target = await server.CreateDatabaseAsync(prefix + "_t");
        return (source, target);
    }

    /// <summary>Runs the same DDL in both databases (the target tables are created with plain DDL in tests).</summary>
    public static async Task ExecuteBothAsync(string source, string target, string sql)
    {
        await PostgresServer.ExecuteAsync(source, sql);
        await PostgresServer.ExecuteAsync(target, sql);
    }

    public static Func<BatchResult, CancellationToken, Task> Collect(List<BatchResult> into) => (batch, _) =>
    {
        lock (into)
        {
            into.Add(batch);
        }

        return Task.CompletedTask;
    };
}
