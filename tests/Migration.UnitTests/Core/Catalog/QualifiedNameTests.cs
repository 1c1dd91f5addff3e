using Migration.Core.Catalog;

namespace Migration.UnitTests.Core.Catalog;

public sealed class QualifiedNameTests
{
    [Fact]
    public void Parse_BareName_UsesPublicSchema()
    {
        Assert.Equal(new QualifiedName("public", "orders"), QualifiedName.Parse("orders"));
    }

    [Fact]
    public void Parse_BareNameWithDefaultSchema_UsesThatSchema()
    {
        Assert.Equal(new QualifiedName("sales", "orders"), QualifiedName.Parse("orders", "sales"));
    }

    [Fact]
    public void Parse_SchemaAndName_SplitsOnTheDot()
    {
        Assert.Equal(new QualifiedName("sales", "orders"), QualifiedName.Parse("sales.orders"));
    }

    [Fact]
    public void Parse_SurroundingWhitespace_IsTrimmed()
    {
        Assert.Equal(new QualifiedName("sales", "orders"), QualifiedName.Parse(" sales . orders "));
        Assert.Equal(new QualifiedName("public", "orders"), QualifiedName.Parse("  orders "));
    }

    [Fact]
    public void Parse_SeveralDots_SplitsOnTheFirst()
    {
        Assert.Equal(new QualifiedName("a", "b.c"), QualifiedName.Parse("a.b.c"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(".orders")]
    [InlineData("sales.")]
    [InlineData(" . ")]
    public void Parse_MissingPart_Throws(string text)
    {
        Assert.ThrowsAny<ArgumentException>(() => QualifiedName.Parse(text));
    }

    [Fact]
    public void Parse_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => QualifiedName.Parse(null!));
    }

    [Fact]
    public void ToString_GivesSchemaDotName()
    {
        Assert.Equal("sales.Order Lines", new QualifiedName("sales", "Order Lines").ToString());
    }

    [Fact]
    public void Quoted_PlainNames_AreDoubleQuoted()
    {
        Assert.Equal("\"public\".\"orders\"", new QualifiedName("public", "orders").Quoted);
    }

    [Fact]
    public void Quoted_EmbeddedQuotes_AreDoubled()
    {
        var name = new QualifiedName("my\"schema", "Robert\"); DROP TABLE x; --");

        Assert.Equal("\"my\"\"schema\".\"Robert\"\"); DROP TABLE x; --\"", name.Quoted);
    }

    [Fact]
    public void Quoted_DotsAndCase_AreKeptInsideTheQuotes()
    {
        Assert.Equal("\"Sales.EU\".\"OrderLines\"", new QualifiedName("Sales.EU", "OrderLines").Quoted);
    }

    [Fact]
    public void QuoteIdentifier_OnlyQuotes_DoublesEachOne()
    {
        Assert.Equal("\"\"\"\"\"\"", QualifiedName.QuoteIdentifier("\"\""));
    }

    [Fact]
    public void Equality_SameSchemaAndName_AreEqualAndHashAlike()
    {
        var a = new QualifiedName("public", "orders");
        var b = QualifiedName.Parse("orders");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new QualifiedName("public", "Orders"));
    }

    [Fact]
    public void CompareTo_OrdersBySchemaThenName_Ordinally()
    {
        var names = new[]
        {
            new QualifiedName("sales", "b"), new QualifiedName("public", "b"), new QualifiedName("public", "B"),
            new QualifiedName("sales", "a"), new QualifiedName("public", "a"),
        };

        var sorted = names.Order().Select(n => n.ToString()).ToList();

        Assert.Equal(["public.B", "public.a", "public.b", "sales.a", "sales.b"], sorted);
    }

    [Fact]
    public void CompareTo_NamesThatPrintAlike_AreStillDistinct()
    {
        // Both print as "a.b.c"; a sorted set must keep them apart, as equality does.
        var left = new QualifiedName("a.b", "c");
        var right = new QualifiedName("a", "b.c");

        Assert.NotEqual(0, left.CompareTo(right));
        Assert.Equal(-Math.Sign(left.CompareTo(right)), Math.Sign(right.CompareTo(left)));
        Assert.Equal(2, new SortedSet<QualifiedName> { left, right }.Count);
    }

    [Fact]
    public void CompareTo_Null_SortsAfterNull()
    {
        Assert.Equal(1, new QualifiedName("public", "a").CompareTo(null));
        Assert.Equal(0, new QualifiedName("public", "a").CompareTo(new QualifiedName("public", "a")));
    }
}
