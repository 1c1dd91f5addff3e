using Migration.Core.Catalog;
using Migration.UnitTests.Core.Builders;

namespace Migration.UnitTests.Core.Catalog;

public sealed class TableClassifierTests
{
    /// <summary>A table with <paramref name="columns"/> columns in total, of which <paramref name="foreignKeys"/> are foreign key columns.</summary>
    private static TableInfo Table(long rows, int columns, int foreignKeys)
    {
        var builder = new TableBuilder("public.t").Rows(rows);
        for (var i = 1; i <= foreignKeys; i++)
        {
            builder.ForeignKey($"public.p{i}");
        }

        return builder.Columns(columns - foreignKeys).Build();
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(4_999, 9, 1)]
    [InlineData(4_999, 9, 0)]
    [InlineData(1, 2, 1)]
    public void Classify_SmallNarrowTableWithAtMostOneKey_IsCatalog(long rows, int columns, int foreignKeys)
    {
        var table = Table(rows, columns, foreignKeys);
        Assert.Equal(columns, table.Columns.Count);
        Assert.Equal(foreignKeys, table.ForeignKeys.Count);

        Assert.Equal(TableClass.Catalog, TableClassifier.Classify(table));
    }

    [Theory]
    [InlineData(5_000, 9, 1)] // rows at the catalog limit
    [InlineData(4_999, 10, 1)] // columns at the catalog limit
    [InlineData(4_999, 10, 0)]
    [InlineData(100_000, 20, 0)] // the large threshold itself is not large
    [InlineData(50_000, 3, 1)]
    public void Classify_JustOutsideCatalogLimits_IsTransactional(long rows, int columns, int foreignKeys)
    {
        Assert.Equal(TableClass.Transactional, TableClassifier.Classify(Table(rows, columns, foreignKeys)));
    }

    [Theory]
    [InlineData(10, 2, 2)]
    [InlineData(10, 6, 2)] // six columns is still a junction
    [InlineData(4_999, 6, 3)]
    [InlineData(100_000, 4, 2)] // a big junction below the large threshold
    [InlineData(0, 3, 3)]
    public void Classify_TwoOrMoreKeysAndAtMostSixColumns_IsJunction(long rows, int columns, int foreignKeys)
    {
        Assert.Equal(TableClass.Junction, TableClassifier.Classify(Table(rows, columns, foreignKeys)));
    }

    [Theory]
    [InlineData(10, 7, 2)] // seven columns: too wide for a junction, too many keys for a catalog
    [InlineData(10, 9, 3)]
    [InlineData(10, 12, 2)]
    public void Classify_SeveralKeysButWide_IsTransactional(long rows, int columns, int foreignKeys)
    {
        Assert.Equal(TableClass.Transactional, TableClassifier.Classify(Table(rows, columns, foreignKeys)));
    }

    [Theory]
    [InlineData(100_001, 3, 0)]
    [InlineData(100_001, 4, 2)] // large wins over junction
    [InlineData(5_000_000, 30, 5)]
    public void Classify_MoreThanHundredThousandRows_IsLarge(long rows, int columns, int foreignKeys)
    {
        Assert.Equal(TableClass.Large, TableClassifier.Classify(Table(rows, columns, foreignKeys)));
    }

    [Fact]
    public void Classify_ExactCountTaken_UsesItOverTheEstimate()
    {
        var estimatedSmall = new TableBuilder("t").Rows(10).ExactRows(100_001).Columns(3).Build();
        var estimatedLarge = new TableBuilder("t").Rows(1_000_000).ExactRows(10).Columns(3).Build();

        Assert.Equal(TableClass.Large, TableClassifier.Classify(estimatedSmall));
        Assert.Equal(TableClass.Catalog, TableClassifier.Classify(estimatedLarge));
    }

    [Fact]
    public void Classify_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => TableClassifier.Classify(null!));
    }
}
