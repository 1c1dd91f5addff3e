using Migration.Core.Mapping;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

/// <summary>The mapping a person would write for <see cref="LegacyCatalogs"/>: the reference the suggester is measured against.</summary>
public static class LegacySpecs
{
    private static KeyMap NewKey => new() { LegacyIdColumn = "legacy_id" };

    private static ColumnMap C(string target, string source) => new(target) { Source = source };

    public static MappingSpec Expected() => new(
    [
        new TableMap(Q("dispatch_category"), Q("categories"))
        {
            Key = NewKey,
            Columns = [C("name", "cat_name"), C("created_at", "created_at")],
            References = [new ReferenceMap("parent_id", "parent_id", "categories")],
        },
        new TableMap(Q("dispatch_customer"), Q("customers"))
        {
            Key = NewKey,
            Columns = [C("first_name", "first_name"), C("last_name", "last_name"), C("email", "email_addr"), C("phone", "phone_no"), C("created_at", "created_at"), C("active", "is_active")],
            Leftovers = new LeftoverMap("metadata") { AllUnmapped = true },
        },
        new TableMap(Q("dispatch_product"), Q("products"))
        {
            Key = NewKey,
            Columns = [C("name", "prod_name"), C("unit_price", "unit_price"), C("sku", "sku"), C("description", "descr")],
            References = [new ReferenceMap("category_id", "category_id", "categories")],
        },
        new TableMap(Q("dispatch_order"), Q("orders"))
        {
            Key = NewKey,
            Lookups = [new LookupMerge("status_name", "status_id", Q("dispatch_status"), "name")],
            Columns =
            [
                new ColumnMap("status")
                {
                    Source = "status_name", Transform = ColumnTransform.ValueMap,
                    Values = new Dictionary<string, string?> { ["new"] = "pending", ["paid"] = "paid", ["sent"] = "shipped", ["void"] = "cancelled" },
                },
                C("ordered_at", "order_date"), C("total_amount", "total_amt"), C("notes", "notes"),
            ],
            References = [new ReferenceMap("customer_id", "customer_id", "customers")],
            Leftovers = new LeftoverMap("metadata") { AllUnmapped = true },
        },
        new TableMap(Q("dispatch_order_item"), Q("order_items"))
        {
            Key = NewKey,
            Columns = [C("quantity", "qty"), C("unit_price", "unit_price")],
            References = [new ReferenceMap("order_id", "order_id", "orders"), new ReferenceMap("product_id", "product_id", "products")],
        },
        new TableMap(Q("dispatch_shipment"), Q("shipments"))
        {
            Key = NewKey,
            Columns =
            [
                C("shipped_at", "shipped_at"), C("carrier", "carrier"),
                new ColumnMap("status")
                {
                    Source = "status", Transform = ColumnTransform.ValueMap,
                    Values = new Dictionary<string, string?> { ["1"] = "preparing", ["2"] = "in_transit", ["3"] = "delivered" },
                },
            ],
            References = [new ReferenceMap("order_id", "order_id", "orders")],
        },
        new TableMap(Q("dispatch_tag"), Q("tags")) { Key = NewKey, Columns = [C("name", "name")] },
        new TableMap(Q("dispatch_product_tags"), Q("product_tags"))
        {
            Key = NewKey,
            References = [new ReferenceMap("product_id", "product_id", "products"), new ReferenceMap("tag_id", "tag_id", "tags")],
        },
        new TableMap(Q("dispatch_comment"), Q("comments"))
        {
            Key = NewKey,
            Columns = [C("body", "body"), C("created_at", "created_at")],
            PolymorphicReferences =
            [
                new PolymorphicReferenceMap("content_type_id", "object_id")
                {
                    Types = [new PolymorphicTarget("7", "customers"), new PolymorphicTarget("9", "orders")],
                    TargetColumn = "subject_id",
                    TypeTargetColumn = "subject_type",
                },
            ],
        },
    ]);
}
