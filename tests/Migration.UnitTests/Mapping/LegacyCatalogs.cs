using Migration.Core.Catalog;
using Migration.UnitTests.Core.Builders;

namespace Migration.UnitTests.Mapping;

/// <summary>A Django-style legacy source (dispatch_* tables, integer ids) and its modern target (uuid keys, enums, jsonb).</summary>
public static class LegacyCatalogs
{
    public static DatabaseCatalog Source() => new CatalogBuilder("legacy")
        .Table("django_content_type", t => t.Column("app_label", "character varying(100)", false).Column("model", "character varying(100)", false).Rows(20))
        .Table("dispatch_category", t => t.Column("cat_name", "character varying(100)", false).ForeignKey("dispatch_category", "parent_id").Column("created_at", "timestamp without time zone").Rows(50))
        .Table("dispatch_customer", t => t.Column("first_name", "character varying(50)").Column("last_name", "character varying(50)")
            .Column("email_addr", "character varying(255)").Column("phone_no", "character varying(30)").Column("created_at", "timestamp with time zone")
            .Column("is_active", "boolean").Column("legacy_flags", "integer").Column("fax_no", "character varying(30)").Rows(5000))
        .Table("dispatch_product", t => t.Column("prod_name", "text", false).ForeignKey("dispatch_category", "category_id")
            .Column("unit_price", "numeric(10,2)").Column("sku", "character varying(40)").Column("descr", "text").Rows(1000))
        .Table("dispatch_status", t => t.Column("name", "character varying(20)", false).Rows(4))
        .Table("dispatch_order", t => t.ForeignKey("dispatch_customer", "customer_id").ForeignKey("dispatch_status", "status_id")
            .Column("order_date", "timestamp with time zone").Column("total_amt", "numeric(12,2)").Column("notes", "text").Rows(20000))
        .Table("dispatch_order_item", t => t.ForeignKey("dispatch_order", "order_id").ForeignKey("dispatch_product", "product_id")
            .Column("qty", "integer").Column("unit_price", "numeric(10,2)").Rows(60000))
        .Table("dispatch_shipment", t => t.ForeignKey("dispatch_order", "order_id").Column("shipped_at", "timestamp with time zone")
            .Column("carrier", "character varying(50)").Column("status", "smallint").Rows(15000))
        .Table("dispatch_tag", t => t.Column("name", "character varying(50)", false).Rows(30))
        .Table("dispatch_product_tags", t => t.ForeignKey("dispatch_product", "product_id").ForeignKey("dispatch_tag", "tag_id").Rows(2000))
        .Table("dispatch_comment", t => t.ForeignKey("django_content_type", "content_type_id").Column("object_id", "integer")
            .Column("body", "text").Column("created_at", "timestamp with time zone").Rows(3000))
        .Build();

    public static DatabaseCatalog Target() => new CatalogBuilder("modern")
        .Enum("order_status", "pending", "paid", "shipped", "cancelled")
        .Enum("shipment_status", "preparing", "in_transit", "delivered")
        .BareTable("categories", t => Modern(t).Column("name", "character varying(100)", false).Column("parent_id", "uuid").Column("created_at", "timestamp without time zone"))
        .BareTable("customers", t => Modern(t).Column("first_name", "character varying(50)").Column("last_name", "character varying(50)")
            .Column("email", "character varying(255)").Column("phone", "character varying(30)").Column("created_at", "timestamp with time zone")
            .Column("active", "boolean").Column("metadata", "jsonb"))
        .BareTable("products", t => Modern(t).Column("name", "text", false).Column("category_id", "uuid").Column("unit_price", "numeric(10,2)")
            .Column("sku", "character varying(40)").Column("description", "text"))
        .BareTable("orders", t => Modern(t).Column("customer_id", "uuid").Column("status", "public.order_status", false, ColumnTypeKind.Enum)
            .Column("ordered_at", "timestamp with time zone").Column("total_amount", "numeric(12,2)").Column("notes", "text").Column("metadata", "jsonb"))
        .BareTable("order_items", t => Modern(t).Column("order_id", "uuid").Column("product_id", "uuid").Column("quantity", "integer").Column("unit_price", "numeric(10,2)"))
        .BareTable("shipments", t => Modern(t).Column("order_id", "uuid").Column("shipped_at", "timestamp with time zone")
            .Column("carrier", "character varying(50)").Column("status", "public.shipment_status", true, ColumnTypeKind.Enum))
        .BareTable("tags", t => Modern(t).Column("name", "character varying(50)", false))
        .BareTable("product_tags", t => Modern(t).Column("product_id", "uuid").Column("tag_id", "uuid"))
        .BareTable("comments", t => Modern(t).Column("subject_id", "uuid").Column("subject_type", "text").Column("body", "text").Column("created_at", "timestamp with time zone"))
        .Build();

    private static TableBuilder Modern(TableBuilder table) =>
        table.Column("id", "uuid", false).PrimaryKey("id").Column("legacy_id", "integer");
}
