using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.UnitTests.Core.Builders;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Core.Planning;

/// <summary>What the plan decides per table: waves, write path, paging, copy format, page size and estimates.</summary>
public sealed class MigrationPlannerTablePlanTests
{
    private static CatalogBuilder Shop() => new CatalogBuilder()
        .Table("customers", t => t.Column("name", "text").Rows(2_000))
        .Table("products", t => t.Column("title", "text").Rows(300))
        .Table("orders", t => t.ForeignKey("customers").Column("placed_at", "timestamp with time zone").Rows(50_000))
        .Table("order_lines", t => t.ForeignKey("orders").ForeignKey("products").Column("quantity").Rows(200_000));

    [Fact]
    public void Build_EmptyTarget_CreatesEveryTableAsPassThroughInForeignKeyWaves()
    {
        var plan = Plans.Build(Shop());

        Assert.Empty(plan.Problems);
        Assert.Empty(plan.Decisions);
        Assert.Empty(plan.DeferredConstraints);
        Assert.Equal(ForeignKeyMode.Unspecified, plan.ForeignKeyMode);
        Assert.Equal(["customers,products", "orders", "order_lines"], plan.RenderWaves());
        Assert.Equal([1, 2, 3], plan.Waves.Select(w => w.Number));
        Assert.All(plan.Waves, w => Assert.All(w.Tables, t => Assert.Equal(w.Number, t.Wave)));
        Assert.All(plan.Tables, t =>
        {
            Assert.True(t.CreateInTarget);
            Assert.Equal(WritePath.PassThrough, t.WritePath);
            Assert.Equal(PagingStrategy.Keyset, t.Paging);
            Assert.Equal(["id"], t.KeyColumns);
            Assert.Equal(CopyFormat.Binary, t.CopyFormat);
            Assert.True(t.Mapping.IsIdentity);
            Assert.Equal(t.Table, t.Mapping.Target);
        });
        Assert.Equal([Q("orders"), Q("products")], plan.Table("order_lines").DependsOn);
        Assert.Empty(plan.Table("customers").DependsOn);
    }

    [Fact]
    public void Build_EmptyTarget_SourceCycleIsDeferredAndLoadOrderStillExists()
    {
        var source = new CatalogBuilder()
            .Table("store", t => t.ForeignKey("staff", "manager_staff_id"))
            .Table("staff", t => t.ForeignKey("store"));

        var plan = Plans.Build(source);

        var deferred = Assert.Single(plan.DeferredConstraints);
        Assert.Equal([Q("staff"), Q("store")], deferred.Tables.Order());
        Assert.Contains("cycle", deferred.Reason, StringComparison.Ordinal);
        Assert.Empty(plan.Decisions);
        Assert.Equal(2, plan.Waves.Count);
    }

    [Fact]
    public void Build_EmptyTarget_SelfReferenceIsDeferred()
    {
        var source = new CatalogBuilder().Table("categories", t => t.ForeignKey("categories", "parent_id"));

        var plan = Plans.Build(source);

        var deferred = Assert.Single(plan.DeferredConstraints);
        Assert.Equal("categories_parent_id_fkey", deferred.Name);
        Assert.Equal([Q("categories")], deferred.Tables);
        Assert.Equal(["categories"], plan.RenderWaves());
    }

    [Fact]
    public void Build_TablesAreClassified()
    {
        var plan = Plans.Build(Shop());

        Assert.Equal(TableClass.Catalog, plan.Table("customers").Class);
        Assert.Equal(TableClass.Catalog, plan.Table("products").Class);
        Assert.Equal(TableClass.Transactional, plan.Table("orders").Class);
        Assert.Equal(TableClass.Large, plan.Table("order_lines").Class);
        Assert.Contains("bulk", plan.Table("customers").Strategy, StringComparison.Ordinal);
        Assert.Contains("adaptive", plan.Table("order_lines").Strategy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("public.orders")]
    public void Build_TableForcedToMappedPath_UsesMapped(string forced)
    {
        var plan = Plans.Build(Shop(), options: new MigrationOptions { ForceMappedTables = [forced] });

        var orders = plan.Table("orders");
        Assert.Equal(WritePath.Mapped, orders.WritePath);
        Assert.Contains("requested", orders.Reason, StringComparison.Ordinal);
        Assert.Equal(WritePath.PassThrough, plan.Table("customers").WritePath);
    }

    [Fact]
    public void Build_ForcedTableInAnotherSchema_DoesNotForceThisOne()
    {
        var plan = Plans.Build(Shop(), options: new MigrationOptions { ForceMappedTables = ["sales.orders"] });

        Assert.Equal(WritePath.PassThrough, plan.Table("orders").WritePath);
    }

    [Fact]
    public void Build_TableWithoutKey_PagesByCtidRanges()
    {
        var source = new CatalogBuilder().BareTable("log", t => t.Column("at", "timestamp with time zone").Column("line", "text").Rows(10_000));

        var log = Plans.Build(source).Table("log");

        Assert.Equal(PagingStrategy.CtidRange, log.Paging);
        Assert.Empty(log.KeyColumns);
        Assert.Contains("ctid", log.PagingDescription, StringComparison.Ordinal);
        Assert.Contains("block ranges", log.Strategy, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoPrimaryKeyButUniqueNotNullKey_PagesOnIt()
    {
        var source = new CatalogBuilder()
            .BareTable("codes", t => t.Column("code", "text", nullable: false).Column("label", "text").UniqueKey("code"));

        var codes = Plans.Build(source).Table("codes");

        Assert.Equal(PagingStrategy.Keyset, codes.Paging);
        Assert.Equal(["code"], codes.KeyColumns);
        Assert.Equal("keyset on (code)", codes.PagingDescription);
    }

    [Fact]
    public void Build_OnlyUniqueKeyHasNullableColumn_PagesByCtidRanges()
    {
        var source = new CatalogBuilder()
            .BareTable("codes", t => t.Column("region", "text", nullable: false).Column("code", "text").UniqueKey("region", "code"));

        Assert.Equal(PagingStrategy.CtidRange, Plans.Build(source).Table("codes").Paging);
    }

    [Fact]
    public void Build_NullableUniqueKeyThenNotNullOne_PagesOnTheNotNullOne()
    {
        var source = new CatalogBuilder()
            .BareTable("codes", t => t.Column("a", "text").Column("b", "text", nullable: false).UniqueKey("a").UniqueKey("b"));

        Assert.Equal(["b"], Plans.Build(source).Table("codes").KeyColumns);
    }

    [Fact]
    public void Build_PrimaryKeyAndUniqueKey_PagesOnThePrimaryKey()
    {
        var source = new CatalogBuilder()
            .Table("codes", t => t.Column("code", "text", nullable: false).UniqueKey("code"));

        Assert.Equal(["id"], Plans.Build(source).Table("codes").KeyColumns);
    }

    [Fact]
    public void Build_EnumArrayColumn_CopiesInTextFormat()
    {
        var source = new CatalogBuilder()
            .Enum("public.mood", "happy", "sad")
            .Table("people", t => t.Column("moods", "mood[]", kind: ColumnTypeKind.Array));

        var people = Plans.Build(source).Table("people");

        Assert.Equal(CopyFormat.Text, people.CopyFormat);
        Assert.Equal(WritePath.PassThrough, people.WritePath);
        Assert.Contains("text format", people.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public.mood", "public.mood[]")]
    [InlineData("sales.mood", "sales.mood[]")]
    [InlineData("My Schema.Mood", "\"My Schema\".\"Mood\"[]")]
    [InlineData("public.Mood", "\"Mood\"[]")]
    public void Build_EnumArraySpelledAnyWay_CopiesInTextFormat(string enumName, string dataType)
    {
        var source = new CatalogBuilder()
            .Enum(enumName, "a", "b")
            .Table("people", t => t.Column("moods", dataType, kind: ColumnTypeKind.Array));

        Assert.Equal(CopyFormat.Text, Plans.Build(source).Table("people").CopyFormat);
    }

    [Fact]
    public void Build_DomainArrayColumn_CopiesInTextFormat()
    {
        var source = new CatalogBuilder()
            .Domain("public.email", "text")
            .Table("people", t => t.Column("emails", "email[]", kind: ColumnTypeKind.Array));

        Assert.Equal(CopyFormat.Text, Plans.Build(source).Table("people").CopyFormat);
    }

    [Theory]
    [InlineData(ColumnTypeKind.Composite, "public.address")]
    [InlineData(ColumnTypeKind.Range, "public.floatrange")]
    [InlineData(ColumnTypeKind.Other, "public.thing")]
    public void Build_CompositeRangeOrOtherColumn_CopiesInTextFormat(ColumnTypeKind kind, string dataType)
    {
        var source = new CatalogBuilder().Table("t", t => t.Column("v", dataType, kind: kind));

        Assert.Equal(CopyFormat.Text, Plans.Build(source).Table("t").CopyFormat);
    }

    [Theory]
    [InlineData("integer[]", ColumnTypeKind.Array)]
    [InlineData("text[]", ColumnTypeKind.Array)]
    [InlineData("mood", ColumnTypeKind.Enum)] // a plain enum travels as its label in binary too
    [InlineData("email", ColumnTypeKind.Domain)]
    [InlineData("numeric(12,2)", ColumnTypeKind.Base)]
    public void Build_BuiltInArraysEnumsAndDomains_StayBinary(string dataType, ColumnTypeKind kind)
    {
        var source = new CatalogBuilder()
            .Enum("public.mood", "happy", "sad")
            .Domain("public.email", "text")
            .Table("t", t => t.Column("v", dataType, kind: kind));

        Assert.Equal(CopyFormat.Binary, Plans.Build(source).Table("t").CopyFormat);
    }

    [Fact]
    public void Build_EnumArrayOnlyInGeneratedColumn_StaysBinary()
    {
        var source = new CatalogBuilder()
            .Enum("public.mood", "happy", "sad")
            .Table("t", t => t.Column("moods", "mood[]", kind: ColumnTypeKind.Array, generatedExpression: "ARRAY['happy'::mood]"));

        Assert.Equal(CopyFormat.Binary, Plans.Build(source).Table("t").CopyFormat);
    }

    [Fact]
    public void Build_EnumArrayOnMappedPath_LeavesFormatToTheMappedWriter()
    {
        var source = new CatalogBuilder()
            .Enum("public.mood", "happy", "sad")
            .Table("people", t => t.Column("moods", "mood[]", kind: ColumnTypeKind.Array));

        var people = Plans.Build(source, options: new MigrationOptions { ForceMappedTables = ["people"] }).Table("people");

        Assert.Equal(WritePath.Mapped, people.WritePath);
        Assert.Equal(CopyFormat.Binary, people.CopyFormat);
    }

    [Fact]
    public void Build_NarrowRows_StartAtBaseBatchSize()
    {
        var source = new CatalogBuilder().Table("t", t => t.Rows(1_000_000, 50_000_000));

        Assert.Equal(BatchSettings.Default.BaseBatchSize, Plans.Build(source).Table("t").InitialBatchSize);
    }

    [Fact]
    public void Build_EmptyOrUnsizedTable_StartsAtBaseBatchSize()
    {
        var source = new CatalogBuilder().Table("empty", t => t.Rows(0, 0)).Table("unsized", t => t.Rows(5_000, 0));

        var plan = Plans.Build(source);

        Assert.Equal(10_000, plan.Table("empty").InitialBatchSize);
        Assert.Equal(10_000, plan.Table("unsized").InitialBatchSize);
    }

    [Fact]
    public void Build_WideRows_StartWithSmallerPagesThatFitTheByteBudget()
    {
        // 10,000 bytes a row: a 32 MiB page holds 3,355 rows.
        var source = new CatalogBuilder().Table("documents", t => t.Column("body", "text").Rows(1_000, 10_000_000));

        var documents = Plans.Build(source).Table("documents");

        Assert.Equal((int)(ThroughputModel.PageByteBudget / 10_000), documents.InitialBatchSize);
        Assert.Equal(3_355, documents.InitialBatchSize);
        Assert.InRange(documents.InitialBatchSize, BatchSettings.Default.MinBatchSize, BatchSettings.Default.BaseBatchSize);
    }

    [Fact]
    public void Build_VeryWideRows_NeverGoBelowMinBatchSize()
    {
        // 1 MB a row would give 33-row pages; the minimum wins.
        var source = new CatalogBuilder().Table("blobs", t => t.Column("data", "bytea").Rows(100, 100_000_000));

        Assert.Equal(BatchSettings.Default.MinBatchSize, Plans.Build(source).Table("blobs").InitialBatchSize);
    }

    [Fact]
    public void Build_CustomBatchSettings_InitialSizeWithinTheirRange()
    {
        var batch = new BatchSettings { MinBatchSize = 10, BaseBatchSize = 100, MaxBatchSize = 200 };
        var source = new CatalogBuilder()
            .Table("blobs", t => t.Rows(100, 100_000_000))
            .Table("narrow", t => t.Rows(1_000, 10_000));

        var plan = Plans.Build(source, options: new MigrationOptions { Batch = batch });

        Assert.Equal(33, plan.Table("blobs").InitialBatchSize);
        Assert.Equal(100, plan.Table("narrow").InitialBatchSize);
        Assert.Same(batch, plan.Batch);
    }

    [Fact]
    public void Build_Estimates_ArePositiveAndAddUp()
    {
        var plan = Plans.Build(Shop(), options: new MigrationOptions { MaxConcurrentBatches = 3 });

        Assert.Equal(252_300, plan.EstimatedRows);
        Assert.All(plan.Tables, t => Assert.True(t.EstimatedDuration > TimeSpan.Zero, $"{t.Table} has no estimate"));
        Assert.Equal(plan.Tables.Sum(t => t.EstimatedDuration.Ticks), plan.EstimatedDuration.Ticks);
        Assert.True(plan.EstimatedDuration > TimeSpan.Zero);
        Assert.Equal(3, plan.MaxConcurrentBatches);
    }

    [Fact]
    public void Build_MappedTable_EstimatedSlowerThanPassThrough()
    {
        var passThrough = Plans.Build(Shop()).Table("order_lines");
        var mapped = Plans.Build(Shop(), options: new MigrationOptions { ForceMappedTables = ["order_lines"] }).Table("order_lines");

        Assert.True(mapped.EstimatedDuration > passThrough.EstimatedDuration);
    }

    [Fact]
    public void Build_Summary_MentionsTablesRowsWavesAndCreatedTables()
    {
        var plan = Plans.Build(Shop());

        Assert.StartsWith("4 tables, about 252,300 rows, in 3 wave(s)", plan.Summary, StringComparison.Ordinal);
        Assert.Contains("4 table(s) will be created in the target", plan.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("problem", plan.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.2, "under a second")]
    [InlineData(42.3, "43 seconds")]
    [InlineData(600, "10 minutes")]
    [InlineData(7200, "2 hours")]
    [InlineData(9000, "2.5 hours")]
    public void FormatDuration_ReadsNaturally(double seconds, string expected)
    {
        Assert.Equal(expected, MigrationPlanner.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }
}
