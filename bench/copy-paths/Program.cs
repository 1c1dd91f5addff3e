using System.Diagnostics;
using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Postgres.Control;
using Migration.Postgres.Execution;
using Npgsql;

// Copies the benchmark tables (in FK order, one after the other) through one write path of PostgresTableCopier and
// prints one RESULT line: path, rows, seconds, rows/s, peak RSS (VmHWM) and client CPU seconds. One process per
// measurement, so that VmHWM is the peak of that path alone. Usage:
//   CopyPaths <passthrough|mapped> <source-cs> <target-cs> <base> <min> <max> <threshold-ms> <validate:true|false>
if (args.Length != 8)
{
    Console.Error.WriteLine("usage: CopyPaths <passthrough|mapped> <source-cs> <target-cs> <base> <min> <max> <threshold-ms> <validate>");
    return 2;
}

var path = args[0] switch
{
    "passthrough" => WritePath.PassThrough,
    "mapped" => WritePath.Mapped,
    _ => throw new ArgumentException($"unknown path {args[0]}"),
};
var source = args[1];
var target = args[2];
var settings = new BatchSettings
{
    BaseBatchSize = int.Parse(args[3], CultureInfo.InvariantCulture),
    MinBatchSize = int.Parse(args[4], CultureInfo.InvariantCulture),
    MaxBatchSize = int.Parse(args[5], CultureInfo.InvariantCulture),
    PerformanceThreshold = TimeSpan.FromMilliseconds(int.Parse(args[6], CultureInfo.InvariantCulture)),
};
var validate = bool.Parse(args[7]);
string[] tables = ["customers", "orders", "order_items"];

await using var dataSources = new NpgsqlDataSourceProvider();
var store = new PostgresControlStore(dataSources);
var copier = new PostgresTableCopier(dataSources, store);
var migrationId = $"bench-{Guid.NewGuid():N}";
await store.EnsureSchemaAsync(target, "migration_control");

var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var total = Stopwatch.StartNew();
long rows = 0;
var batches = 0;
var sizes = new List<int>();
foreach (var table in tables)
{
    var plan = await PlanAsync(source, table, path);
    var request = new TableCopyRequest(migrationId, source, target, plan, plan.Mapping.Columns.Select(c => c.SourceColumn).ToList(), settings, "migration_control", validate);
    var result = await copier.CopyAsync(request, (batch, _) =>
    {
        sizes.Add(batch.Rows);
        return Task.CompletedTask;
    });
    rows += result.RowsCopied;
    batches += result.Batches;
    Console.Error.WriteLine($"  {table}: {result.RowsCopied} rows, {result.Batches} batches, {result.Duration.TotalSeconds:F2} s");
}

total.Stop();
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
var hwmKb = PeakRssKb();
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"RESULT {args[0]} rows={rows} seconds={total.Elapsed.TotalSeconds:F3} rows_per_s={rows / total.Elapsed.TotalSeconds:F0} peak_rss_mb={hwmKb / 1024.0:F0} cpu_s={cpu:F1} batches={batches} median_batch={Median(sizes)}"));
return 0;

static long PeakRssKb()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
    }

    return -1;
}

static int Median(List<int> values)
{
    if (values.Count == 0)
    {
        return 0;
    }

    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static async Task<TablePlan> PlanAsync(string source, string table, WritePath path)
{
    var name = new QualifiedName("public", table);
    var columns = new List<ColumnMapping>();
    await using (var connection = new NpgsqlConnection(source))
    {
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            connection);
        command.Parameters.AddWithValue(name.Quoted);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add(new ColumnMapping(reader.GetString(0), reader.GetString(0), reader.GetString(1), reader.GetString(1)));
        }
    }

    return new TablePlan(name, TableClass.Large, 0, 0, path, PagingStrategy.Keyset, ["id"], false, 0, TimeSpan.Zero, [], "bench", "bench", new TableMapping(name, name, columns));
}
