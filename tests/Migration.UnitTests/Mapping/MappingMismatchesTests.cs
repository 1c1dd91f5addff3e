using Migration.Core.Mapping;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

public sealed class MappingMismatchesTests
{
    private static MappingSpec Spec() => new(
    [
        new TableMap(Q("dispatch_shipment"), Q("shipments"))
        {
            Key = new KeyMap { LegacyIdColumn = "legacy_id" },
            Columns =
            [
                new ColumnMap("status") { Source = "status", Transform = ColumnTransform.ValueMap, Values = new Dictionary<string, string?> { ["1"] = "preparing", ["2"] = "in_transit" } },
                new ColumnMap("carrier") { Source = "carrier" },
            ],
        },
    ]);

    [Fact]
    public void EnumDecision_SampledValueWithoutLabel_AsksAdaptOrChangeTarget()
    {
        var spec = Spec();
        var column = Assert.Single(MappingMismatches.EnumColumns(spec, LegacyCatalogs.Source(), LegacyCatalogs.Target()));

        var decision = MappingMismatches.EnumDecision(spec, column, new SampledColumn("status", ["1", "2", "3"], false, 15000), LegacyCatalogs.Target(), round: 1);

        Assert.NotNull(decision);
        Assert.Equal("schema-mismatch-1-t0-c0-enum", decision!.Id);
        Assert.Contains("\"3\"", decision.Question, StringComparison.Ordinal);
        Assert.Contains("tables[0].columns[0]", decision.Question, StringComparison.Ordinal);
        Assert.Equal([MappingMismatches.AdaptOption, MappingMismatches.ChangeTargetOption], decision.Options.Select(o => o.Id));
        Assert.Null(MappingMismatches.EnumDecision(spec, column, new SampledColumn("status", ["1", "2"], false, 15000), LegacyCatalogs.Target(), 1));
    }

    [Fact]
    public void Adapt_EnumOnNullableColumn_UnknownValuesBecomeNull()
    {
        var adapted = MappingMismatches.Adapt(Spec(), "schema-mismatch-1-t0-c0-enum", LegacyCatalogs.Target());

        Assert.Equal(ValueMapElse.Null, adapted.Tables[0].Columns[0].Else);
        Assert.Equal(ColumnTransform.Copy, adapted.Tables[0].Columns[1].Transform);
    }

    [Fact]
    public void Adapt_NarrowingCopy_BecomesCastThatRejects()
    {
        var adapted = MappingMismatches.Adapt(Spec(), "schema-mismatch-2-t0-c1-narrowing", LegacyCatalogs.Target());

        Assert.Equal(ColumnTransform.Cast, adapted.Tables[0].Columns[1].Transform);
        Assert.Equal(CastFailurePolicy.Reject, adapted.Tables[0].Columns[1].OnCastFailure);
        Assert.Throws<ArgumentException>(() => MappingMismatches.Adapt(Spec(), "schema-mismatch-1-t5-c0-enum", LegacyCatalogs.Target()));
    }

    [Fact]
    public void NarrowingDecisions_NarrowingCopyWarning_BecomesDecision()
    {
        var spec = Spec() with { Tables = [Spec().Tables[0] with { Columns = [Spec().Tables[0].Columns[0], new ColumnMap("carrier") { Source = "status" }] }] };
        var customers = new TableMap(Q("dispatch_customer"), Q("customers")) { Key = new KeyMap(), Columns = [new ColumnMap("phone") { Source = "email_addr" }] };
        spec = spec with { Tables = [.. spec.Tables, customers] };
        var validation = MappingValidator.Validate(spec, LegacyCatalogs.Source(), LegacyCatalogs.Target());

        var decision = Assert.Single(MappingMismatches.NarrowingDecisions(spec, validation, round: 1));

        Assert.Equal("schema-mismatch-1-t1-c0-narrowing", decision.Id);
        Assert.Contains("public.customers.phone", decision.Question, StringComparison.Ordinal);
    }
}
