using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;

namespace Migration.Postgres.Tests.Schema;

/// <summary>Plans built by hand for the tests: one wave, identity mappings, partitioned tables copied through the parent.</summary>
internal static class TestPlans
{
    public static MigrationPlan For(DatabaseCatalog source, bool createInTarget, IReadOnlyList<DeferredConstraint>? deferred = null)
    {
        var tables = source.Tables.Where(t => t.PartitionParent is null).Select(t => TablePlanFor(source, t, createInTarget)).ToList();
        return new MigrationPlan(
            [new PlanWave(1, tables)], deferred ?? [], [], [], tables.Sum(t => t.EstimatedRows), TimeSpan.Zero, 2,
            BatchSettings.Default, ForeignKeyMode.RecreateAfterLoad, "test plan");
    }

    public static TablePlan TablePlanFor(DatabaseCatalog source, TableInfo table, bool createInTarget)
    {
        var key = table.PagingKey;
        var mapping = new TableMapping(table.Name, table.Name,
            table.CopyableColumns.Select(c => new ColumnMapping(c.Name, c.Name, c.DataType, c.DataType)).ToList());
        var needsText = table.CopyableColumns.Any(c => c.TypeKind is ColumnTypeKind.Array or ColumnTypeKind.Composite
            && source.Enums.Any(e => c.DataType.StartsWith(e.Name.ToString(), StringComparison.Ordinal)));
        return new TablePlan(table.Name, TableClassifier.Classify(table), table.Rows, 1, WritePath.PassThrough,
            key is null ? PagingStrategy.CtidRange : PagingStrategy.Keyset, key ?? [], createInTarget, 10_000, TimeSpan.Zero, [],
            "test", "test", mapping)
        {
            CopyFormat = needsText ? CopyFormat.Text : CopyFormat.Binary,
        };
    }

    public static DeferredConstraint Defer(DatabaseCatalog source, string table, string constraint)
    {
        var name = QualifiedName.Parse(table);
        var foreignKey = source.FindTable(name)!.ForeignKeys.Single(f => f.Name == constraint);
        return new DeferredConstraint(name, constraint, foreignKey.Definition, [name, foreignKey.ReferencedTable], "test");
    }
}
