using System.Text.Json;
using Migration.Core.Mapping;
using Migration.Core.Serialization;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

public sealed class MappingSpecJsonTests
{
    [Fact]
    public void Serialize_RoundTrip_KeepsEveryPart()
    {
        var spec = SampleSpecs.Dispatch();

        var json = MappingSpecJson.Serialize(spec);
        var back = MappingSpecJson.Deserialize(json);

        Assert.Equal(json, MappingSpecJson.Serialize(back));
        var orders = back.FindByTarget(Q("orders"))!;
        Assert.Equal(Q("dispatch_order"), orders.Source);
        Assert.Equal("orders", orders.EntityType);
        Assert.True(orders.RemapsKeys);
        Assert.Equal(Q("dispatch_status"), orders.Lookups[0].Table);
        Assert.Equal("pending", orders.Columns[0].Values!["new"]);
        Assert.True(orders.Columns[0].Values!.ContainsKey("void"));
        Assert.Null(orders.Columns[0].Values!["void"]);
        Assert.Equal(ValueMapElse.Default, orders.Columns[0].Else);
        Assert.Equal(OrphanPolicy.SetNull, orders.References[0].OnOrphan);
        var customers = back.FindByEntityType("customer")!;
        Assert.Equal(Q("customers"), customers.Target);
        Assert.Equal(0.9, customers.Confidence);
        Assert.Equal(CastFailurePolicy.Null, customers.Columns[4].OnCastFailure);
        Assert.Equal(2, customers.Columns[2].Part);
        Assert.Equal(DuplicatePolicy.KeepFirst, customers.Duplicates!.Policy);
        var notes = back.FindByTarget(Q("notes"))!;
        Assert.Equal(["subject_id", "order_id", "subject_type"], notes.PolymorphicReferences[0].TargetColumns());
    }

    [Fact]
    public void Serialize_Spec_WritesNamesAsTextAndEnumsCamelCaseWithoutNulls()
    {
        var json = MappingSpecJson.Serialize(SampleSpecs.Dispatch());

        using var document = JsonDocument.Parse(json);
        var first = document.RootElement.GetProperty("tables")[0];
        Assert.Equal("public.dispatch_customer", first.GetProperty("source").GetString());
        Assert.Equal("newUuid", first.GetProperty("key").GetProperty("strategy").GetString());
        Assert.Equal("keepFirst", first.GetProperty("duplicates").GetProperty("policy").GetString());
        Assert.False(first.GetProperty("key").TryGetProperty("sourceColumn", out _));
        Assert.False(first.TryGetProperty("entityType", out _));
        Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public void Deserialize_HandWrittenFile_AppliesDefaults()
    {
        const string json = """
            {
              // comments and trailing commas are accepted in files
              "tables": [
                {
                  "source": "dispatch_product",
                  "target": "shop.products",
                  "key": { "legacyIdColumn": "legacy_id" },
                  "columns": [
                    { "target": "title", "source": "prod_name" },
                    { "target": "kind", "source": "kind_code", "transform": "ValueMap", "values": { "1": "physical", "2": "digital" } },
                  ],
                  "references": [ { "sourceColumn": "category_id", "targetColumn": "category_id", "entityType": "categories" } ]
                }
              ]
            }
            """;

        var spec = MappingSpecJson.Deserialize(json);

        var table = Assert.Single(spec.Tables);
        Assert.Equal(Q("public.dispatch_product"), table.Source);
        Assert.Equal(Q("shop.products"), table.Target);
        Assert.Equal(KeyStrategy.NewUuid, table.Key!.Strategy);
        Assert.Equal("id", table.Key.TargetColumn);
        Assert.Equal("products", table.EntityType);
        Assert.Equal(ColumnTransform.Copy, table.Columns[0].Transform);
        Assert.Equal(ColumnTransform.ValueMap, table.Columns[1].Transform);
        Assert.Equal(ValueMapElse.Reject, table.Columns[1].Else);
        Assert.Equal(OrphanPolicy.SkipAndList, table.References[0].OnOrphan);
        Assert.Empty(table.Lookups);
        Assert.False(spec.IncludeUnlistedTables);
        Assert.Equal(["id", "legacy_id", "title", "kind", "category_id"], table.TargetColumns());
    }

    [Fact]
    public void Deserialize_UnknownEnumValue_ThrowsWithPath()
    {
        const string json = """{ "tables": [ { "source": "a", "target": "b", "columns": [ { "target": "x", "transform": "explode" } ] } ] }""";

        var error = Assert.Throws<MappingSpecFormatException>(() => MappingSpecJson.Deserialize(json));

        Assert.Equal("$.tables[0].columns[0].transform", error.Path);
    }

    [Fact]
    public void Deserialize_MissingRequiredTarget_ThrowsWithPath()
    {
        const string json = """{ "tables": [ { "source": "a" } ] }""";

        var error = Assert.Throws<MappingSpecFormatException>(() => MappingSpecJson.Deserialize(json));

        Assert.StartsWith("$.tables[0]", error.Path, StringComparison.Ordinal);
        Assert.Contains("target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_WithSharedOptions_RoundTripsForGrainState()
    {
        var spec = SampleSpecs.Dispatch();

        var json = JsonSerializer.Serialize(spec, MigrationJson.Options);
        var back = JsonSerializer.Deserialize<MappingSpec>(json, MigrationJson.Options)!;

        Assert.Equal(MappingSpecJson.Serialize(spec), MappingSpecJson.Serialize(back));
    }
}
