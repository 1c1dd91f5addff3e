using Migration.Core.Catalog;
using Migration.Core.Execution;
using Migration.Core.Mapping;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Postgres.Execution;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;

namespace Migration.Postgres.Tests.Mapping;

/// <summary>The demo pair in a test's own databases, and copy requests that carry its mapping spec.</summary>
internal sealed class DemoPairKit
{
    private DemoPairKit(string source, string target, MappingSpec spec)
    {
        Source = source;
        Target = target;
        Spec = spec;
    }

    public string Source { get; }

    public string Target { get; }

    public MappingSpec Spec { get; set; }

    public string MigrationId { get; } = "demo-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Source and target databases with the demo pair (the target without its foreign keys: they are added after the load).</summary>
    public static async Task<DemoPairKit> CreateAsync(PostgresServer server, string prefix, long rows = 3_000)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, prefix);
        await Task.WhenAll(LegacyDemo.LoadSourceAsync(source, rows), LegacyDemo.LoadTargetAsync(target, foreignKeys: false));
        return new DemoPairKit(source, target, MappingSpecJson.Deserialize(LegacyDemo.MappingJson));
    }

    /// <summary>Replaces the spec's entry for <paramref name="sourceTable"/>.</summary>
    public void Change(string sourceTable, Func<TableMap, TableMap> change)
    {
        var name = QualifiedName.Parse(sourceTable);
        Spec = Spec with { Tables = [.. Spec.Tables.Select(t => t.Source == name ? change(t) : t)] };
    }

    public TableCopyRequest Request(string sourceTable, BatchSettings? batch = null)
    {
        var map = Spec.FindBySource(QualifiedName.Parse(sourceTable)) ?? throw new ArgumentException($"The spec has no {sourceTable}.", nameof(sourceTable));
        var plan = new TablePlan(
            map.Source, TableClass.Transactional, 1000, 0, WritePath.Mapped, PagingStrategy.Keyset, ["id"], false, 100,
            TimeSpan.FromSeconds(1), [], "test", "test", new TableMapping(map.Source, map.Target, []) { Spec = map });
        return new TableCopyRequest(MigrationId, Source, Target, plan, [], batch ?? CopyTestKit.SmallPages, CopyTestKit.ControlSchema, true)
        {
            Mapping = Spec,
        };
    }

    /// <summary>Copies the given source tables (default: all, parents first).</summary>
    public async Task<List<TableCopyResult>> CopyAsync(PostgresTableCopier copier, params string[] tables)
    {
        var results = new List<TableCopyResult>();
        foreach (var table in tables.Length == 0 ? LegacyDemo.SourceTables : tables)
        {
            results.Add(await copier.CopyAsync(Request(table), (_, _) => Task.CompletedTask));
        }

        return results;
    }

    public Task<long> SourceAsync(string sql) => PostgresServer.ScalarAsync<long>(Source, sql);

    public Task<long> TargetAsync(string sql) => PostgresServer.ScalarAsync<long>(Target, sql);

    /// <summary>Rows a policy kept out of a table, by outcome (mapping_outcomes).</summary>
    public Task<long> OutcomeAsync(string sourceTable, string outcome) => TargetAsync(
        $"SELECT coalesce(sum(rows), 0)::bigint FROM migration_control.mapping_outcomes WHERE migration_id = '{MigrationId}' AND table_name = 'public.{sourceTable}' AND outcome = '{outcome}'");

    public Task<long> ListedAsync(string sourceTable, string reasonPrefix) => TargetAsync(
        $"SELECT count(*) FROM migration_control.quarantine WHERE migration_id = '{MigrationId}' AND table_name = 'public.{sourceTable}' AND reason LIKE '{reasonPrefix}%'");
}
