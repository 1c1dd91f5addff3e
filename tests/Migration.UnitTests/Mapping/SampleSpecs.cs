using Migration.Core.Mapping;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

/// <summary>A legacy dispatch_* → modern spec using every part of the model.</summary>
public static class SampleSpecs
{
    public static MappingSpec Dispatch() => new(
    [
        new TableMap(Q("dispatch_customer"), Q("customers"))
        {
            Filter = "deleted = false",
            Key = new KeyMap { TargetColumn = "id", LegacyIdColumn = "legacy_id", EntityType = "customer" },
            Columns =
            [
                new ColumnMap("email") { Source = "email_addr", DefaultValue = "unknown@example.com" },
                new ColumnMap("full_name") { Transform = ColumnTransform.Concat, Columns = ["first_name", "last_name"], Separator = " " },
                new ColumnMap("country") { Source = "addr", Transform = ColumnTransform.Split, Separator = ",", Part = 2 },
                new ColumnMap("email_domain") { Transform = ColumnTransform.Expression, Expression = "split_part(email_addr, '@', 2)" },
                new ColumnMap("credit") { Source = "credit_txt", Transform = ColumnTransform.Cast, CastType = "numeric(12,2)", OnCastFailure = CastFailurePolicy.Null },
            ],
            Leftovers = new LeftoverMap("metadata") { AllUnmapped = true },
            Duplicates = new DuplicateRule(["email"], DuplicatePolicy.KeepFirst),
            Confidence = 0.9,
            Reason = "names match after removing the prefix",
        },
        new TableMap(Q("dispatch_order"), Q("orders"))
        {
            Key = new KeyMap { LegacyIdColumn = "legacy_id" },
            Lookups = [new LookupMerge("status_name", "status_id", Q("dispatch_status"), "name") { KeyColumn = "id" }],
            Columns =
            [
                new ColumnMap("status")
                {
                    Source = "status_name",
                    Transform = ColumnTransform.ValueMap,
                    Values = new Dictionary<string, string?> { ["new"] = "pending", ["done"] = "shipped", ["void"] = null },
                    Else = ValueMapElse.Default,
                    DefaultValue = "pending",
                },
            ],
            References = [new ReferenceMap("customer_id", "customer_id", "customer") { OnOrphan = OrphanPolicy.SetNull }],
        },
        new TableMap(Q("dispatch_category"), Q("categories"))
        {
            Key = new KeyMap(),
            Columns = [new ColumnMap("name") { Source = "name" }],
            References = [new ReferenceMap("parent_id", "parent_id", "categories")],
        },
        new TableMap(Q("dispatch_note"), Q("notes"))
        {
            Key = new KeyMap { Strategy = KeyStrategy.NewUuid },
            PolymorphicReferences =
            [
                new PolymorphicReferenceMap("content_type_id", "object_id")
                {
                    Types = [new PolymorphicTarget("7", "customer"), new PolymorphicTarget("8", "orders") { TargetColumn = "order_id" }],
                    TargetColumn = "subject_id",
                    TypeTargetColumn = "subject_type",
                    OnOrphan = OrphanPolicy.Fail,
                },
            ],
            Leftovers = new LeftoverMap("metadata") { Columns = ["legacy_flags"] },
        },
    ])
    { IncludeUnlistedTables = false };
}
