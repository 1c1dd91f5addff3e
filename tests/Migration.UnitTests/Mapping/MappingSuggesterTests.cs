using System.Globalization;
using Migration.Core.Catalog;
using Migration.Core.Mapping;
using Migration.UnitTests.Core.Builders;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

public sealed class MappingSuggesterTests
{
    private static SourceSamples Samples() => new()
    {
        Columns = new Dictionary<QualifiedName, IReadOnlyList<SampledColumn>>
        {
            [Q("dispatch_shipment")] = [new SampledColumn("status", ["1", "2", "3"], false, 1000)],
        },
        Rows = new Dictionary<QualifiedName, IReadOnlyList<IReadOnlyList<string?>>>
        {
            [Q("dispatch_status")] = [["1", "new"], ["2", "paid"], ["3", "sent"], ["4", "void"]],
            [Q("django_content_type")] = [["7", "dispatch", "customer"], ["8", "auth", "user"], ["9", "dispatch", "order"]],
        },
    };

    /// <summary>What each target column of a table map is filled from, as comparable text.</summary>
    private static Dictionary<string, string> Describe(TableMap map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in map.Columns)
        {
            var values = column.Values is null ? "" : ":" + string.Join(",", column.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
            result[column.Target] = $"{column.Transform}:{column.Source}{values}";
        }

        foreach (var reference in map.References)
        {
            result[reference.TargetColumn] = $"ref:{reference.SourceColumn}:{reference.EntityType}";
        }

        foreach (var polymorphic in map.PolymorphicReferences)
        {
            foreach (var column in polymorphic.TargetColumns())
            {
                result[column] = $"poly:{polymorphic.TypeColumn}:{polymorphic.IdColumn}:{string.Join(",", polymorphic.Types.Select(t => $"{t.TypeValue}={t.EntityType}"))}";
            }
        }

        if (map.Leftovers is { } leftovers)
        {
            result[leftovers.TargetColumn] = $"leftovers:{leftovers.AllUnmapped}:{string.Join(",", leftovers.Columns)}";
        }

        if (map.Key is { } key)
        {
            result["(key)"] = $"{key.Strategy}:{key.SourceColumn}:{key.TargetColumn}:{key.LegacyIdColumn}";
        }

        return result;
    }

    [Fact]
    public void Suggest_LegacyDispatchPair_GetsAtLeast85PercentOfColumnsRight()
    {
        var suggestion = MappingSuggester.Suggest(LegacyCatalogs.Source(), LegacyCatalogs.Target(), Samples());

        var expected = LegacySpecs.Expected();
        var total = 0;
        var right = 0;
        var misses = new List<string>();
        foreach (var table in expected.Tables)
        {
            var suggested = suggestion.Spec.FindBySource(table.Source);
            Assert.True(suggested is not null, $"no suggestion for {table.Source}");
            Assert.Equal(table.Target, suggested!.Target);
            Assert.True(suggested.Confidence >= MappingSuggester.DefaultThreshold);
            Assert.False(string.IsNullOrEmpty(suggested.Reason));
            var want = Describe(table);
            var got = Describe(suggested);
            foreach (var (column, description) in want)
            {
                total++;
                if (got.TryGetValue(column, out var actual) && actual == description)
                {
                    right++;
                }
                else
                {
                    misses.Add($"{table.Target}.{column}: want {description}, got {actual ?? "nothing"}");
                }
            }
        }

        var share = (double)right / total;
        Assert.True(share >= 0.85, $"{right} of {total} right ({share.ToString("P0", CultureInfo.InvariantCulture)}): {string.Join("; ", misses)}");
        Assert.Equal(9, suggestion.Spec.Tables.Count);
        Assert.All(suggestion.Spec.Tables.SelectMany(t => t.Columns), c => Assert.True(c.Confidence >= MappingSuggester.DefaultThreshold && c.Reason is { Length: > 0 }));
    }

    [Fact]
    public void Suggest_LegacyDispatchPair_IsValidAgainstBothCatalogs()
    {
        var suggestion = MappingSuggester.Suggest(LegacyCatalogs.Source(), LegacyCatalogs.Target(), Samples());

        var result = MappingValidator.Validate(suggestion.Spec, LegacyCatalogs.Source(), LegacyCatalogs.Target());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
    }

    [Fact]
    public void Suggest_SmallIntegerCodesOntoEnum_BecomesDecisionNotGuess()
    {
        var suggestion = MappingSuggester.Suggest(LegacyCatalogs.Source(), LegacyCatalogs.Target(), Samples());

        var shipments = suggestion.Spec.FindByTarget(Q("shipments"))!;
        Assert.DoesNotContain(shipments.Columns, c => c.Target == "status");
        var decision = Assert.Single(suggestion.Decisions, d => d.Id == "mapping-column-public.shipments-status");
        Assert.Contains("\"1\": \"preparing\"", decision.Question, StringComparison.Ordinal);
        Assert.Contains(decision.Options, o => o.Id == "use" && o.Recommended);
    }

    [Fact]
    public void Suggest_StatusLookupOntoEnum_MergesLookupWithValueMap()
    {
        var suggestion = MappingSuggester.Suggest(LegacyCatalogs.Source(), LegacyCatalogs.Target(), Samples());

        var orders = suggestion.Spec.FindByTarget(Q("orders"))!;
        var lookup = Assert.Single(orders.Lookups);
        Assert.Equal(("status_name", "status_id", Q("dispatch_status"), "name"), (lookup.Name, lookup.SourceColumn, lookup.Table, lookup.ValueColumn));
        var status = orders.Columns.Single(c => c.Target == "status");
        Assert.Equal(ColumnTransform.ValueMap, status.Transform);
        Assert.Equal("cancelled", status.Values!["void"]);
        Assert.DoesNotContain(suggestion.Decisions, d => d.Id.Contains("dispatch_status", StringComparison.Ordinal));
    }

    [Fact]
    public void Suggest_WithoutSamples_AsksAboutEnumsAndContentTypes()
    {
        var suggestion = MappingSuggester.Suggest(LegacyCatalogs.Source(), LegacyCatalogs.Target());

        Assert.Contains(suggestion.Decisions, d => d.Id == "mapping-column-public.orders-status");
        Assert.Contains(suggestion.Decisions, d => d.Id == "mapping-column-public.comments-subject_id");
        Assert.Contains(suggestion.Decisions, d => d.Id == "mapping-required-public.orders-status");
    }

    [Fact]
    public void Suggest_UnrelatedTables_AreDecisionsNotPairs()
    {
        var source = new CatalogBuilder("s").Table("tbl_invoice", t => t.Column("amt", "numeric(10,2)")).Table("audit_trail").Build();
        var target = new CatalogBuilder("t").Table("invoices", t => t.Column("amount", "numeric(10,2)")).Table("weather").Build();

        var suggestion = MappingSuggester.Suggest(source, target);

        var table = Assert.Single(suggestion.Spec.Tables);
        Assert.Equal((Q("tbl_invoice"), Q("invoices")), (table.Source, table.Target));
        Assert.Equal(["id", "amount"], table.Columns.Select(c => c.Target));
        Assert.Null(table.Key);
        Assert.Contains(suggestion.Decisions, d => d.Id == "mapping-source-public.audit_trail");
        Assert.Contains(suggestion.Decisions, d => d.Id == "mapping-target-public.weather");
    }

    [Theory]
    [InlineData("email_addr", "email", 0.7)]
    [InlineData("order_date", "ordered_at", 0.99)]
    [InlineData("total_amt", "total_amount", 0.99)]
    [InlineData("is_active", "active", 0.99)]
    [InlineData("OrderItems", "order_item", 0.99)]
    [InlineData("categories", "category", 0.99)]
    public void Similarity_CommonLegacyNames_Match(string a, string b, double atLeast)
    {
        Assert.True(NameMatcher.Similarity(a, b) >= atLeast, $"{a} ~ {b}: {NameMatcher.Similarity(a, b)}");
    }
}
