using Migration.Core.Mapping;
using Migration.Core.Planning;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

/// <summary>A spec reference to an entity whose table the source has but the spec leaves out: a decision, not an error; a typo stays an error.</summary>
public sealed class MappedMissingParentsTests
{
    /// <summary>Orders only: their customers (dispatch_customer → customers) are left out of the spec.</summary>
    private static MappingSpec OrdersOnly(string entityType = "customer") => new(
    [
        new TableMap(Q("dispatch_order"), Q("orders"))
        {
            Key = new KeyMap { LegacyIdColumn = "legacy_id", EntityType = "order" },
            Lookups = [new LookupMerge("status_name", "status_id", Q("dispatch_status"), "name")],
            Columns =
            [
                new ColumnMap("status")
                {
                    Source = "status_name", Transform = ColumnTransform.ValueMap,
                    Values = new Dictionary<string, string?> { ["new"] = "pending", ["paid"] = "paid" }, Else = ValueMapElse.Default, DefaultValue = "pending",
                },
                new ColumnMap("total_amount") { Source = "total_amt" },
            ],
            References = [new ReferenceMap("customer_id", "customer_id", entityType) { OnOrphan = OrphanPolicy.Fail }],
        },
    ]);

    [Fact]
    public void Validate_ReferenceToEntityLeftOutOfSpec_IsWarningNotError()
    {
        var result = MappingValidator.Validate(OrdersOnly(), LegacyCatalogs.Source(), LegacyCatalogs.Target());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        var warning = Assert.Single(result.Issues, i => i.Kind == MappedMissingParents.IssueKind);
        Assert.Equal(MappingIssueSeverity.Warning, warning.Severity);
        Assert.Equal("tables[0].references[0].entityType", warning.Path);
        Assert.Contains("public.dispatch_customer", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReferenceToEntityNotInSource_StaysError()
    {
        var result = MappingValidator.Validate(OrdersOnly("custmer"), LegacyCatalogs.Source(), LegacyCatalogs.Target());

        var error = Assert.Single(result.Errors);
        Assert.Equal("tables[0].references[0].entityType", error.Path);
        Assert.Equal("unknown-entity-type", error.Kind);
    }

    [Fact]
    public void Resolve_EntityLeftOut_FindsSourceTableTargetTableKeyAndLegacyColumn()
    {
        var spec = OrdersOnly();

        var parent = MappedMissingParents.Resolve(spec, spec.Tables[0], spec.Tables[0].References[0], LegacyCatalogs.Source(), LegacyCatalogs.Target());

        Assert.NotNull(parent);
        Assert.Equal(Q("dispatch_customer"), parent.Source);
        Assert.Equal(Q("customers"), parent.Target);
        Assert.Equal("id", parent.TargetKey);
        Assert.Equal("legacy_id", parent.TargetLegacyColumn);
    }

    [Fact]
    public void References_PlannedSpecLeavingCustomersOut_OneRuleSkippingTurnsItsPolicyToSkipAndList()
    {
        var spec = OrdersOnly();
        var plan = MigrationPlanner.Build(LegacyCatalogs.Source(), LegacyCatalogs.Target(), new Migration.Core.Migrations.MigrationOptions { Mapping = spec });
        Assert.False(plan.HasBlockingProblems, string.Join(" ", plan.Problems.Select(p => p.Message)));
        var reference = Assert.Single(MappedMissingParents.References(plan, spec, LegacyCatalogs.Source(), LegacyCatalogs.Target(), "migration_control"));
        Assert.Equal(("customer", Q("dispatch_order"), Q("customers"), "customer_id → customer"), (reference.EntityType, reference.Child, reference.Parent, reference.Rule));

        var skipped = MappedMissingParents.SkippingOrphans(spec, reference);

        Assert.Equal(OrphanPolicy.SkipAndList, skipped.Tables[0].References[0].OnOrphan);
    }
}
