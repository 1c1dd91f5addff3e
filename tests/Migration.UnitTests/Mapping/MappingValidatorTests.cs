using Migration.Core.Mapping;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Mapping;

public sealed class MappingValidatorTests
{
    private static readonly ReferenceMap CustomerRef = new("customer_id", "customer_id", "customers");

    /// <summary>A valid spec for customers and orders; each test breaks one thing.</summary>
    private static MappingSpec Valid(Func<TableMap, TableMap>? customers = null, Func<TableMap, TableMap>? orders = null)
    {
        var customerMap = new TableMap(Q("dispatch_customer"), Q("customers"))
        {
            Key = new KeyMap { LegacyIdColumn = "legacy_id" },
            Columns =
            [
                new ColumnMap("first_name") { Source = "first_name" },
                new ColumnMap("email") { Source = "email_addr" },
                new ColumnMap("active") { Source = "is_active", DefaultValue = "true" },
            ],
            Leftovers = new LeftoverMap("metadata") { AllUnmapped = true },
        };
        var orderMap = new TableMap(Q("dispatch_order"), Q("orders"))
        {
            Key = new KeyMap { LegacyIdColumn = "legacy_id" },
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
            References = [CustomerRef],
        };
        return new MappingSpec([customers?.Invoke(customerMap) ?? customerMap, orders?.Invoke(orderMap) ?? orderMap]);
    }

    private static MappingValidationResult Validate(MappingSpec spec) =>
        MappingValidator.Validate(spec, LegacyCatalogs.Source(), LegacyCatalogs.Target());

    private static MappingIssue SingleError(MappingSpec spec)
    {
        var result = Validate(spec);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Validate_ValidSpec_HasNoErrors()
    {
        var result = Validate(Valid());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")));
        Assert.DoesNotContain(result.Issues, i => i.Path.StartsWith("tables[0]", StringComparison.Ordinal) && i.Kind == "unmapped-column");
        Assert.Contains(result.Issues, i => i.Path == "tables[1].columns" && i.Kind == "unmapped-column" && i.Message.Contains("notes", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownSourceTable_NamesSourceField()
    {
        var error = Validate(Valid(customers: c => c with { Source = Q("dispatch_client") })).Errors.First();

        Assert.Equal("tables[0].source", error.Path);
        Assert.Equal("unknown-table", error.Kind);
        Assert.Contains("public.dispatch_client", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownSourceColumn_NamesColumnField()
    {
        var error = SingleError(Valid(orders: o => o with { Columns = [.. o.Columns, new ColumnMap("notes") { Source = "remarks" }] }));

        Assert.Equal("tables[1].columns[2].source", error.Path);
        Assert.Equal("unknown-column", error.Kind);
        Assert.Contains("\"remarks\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownTargetColumn_NamesTargetField()
    {
        var error = SingleError(Valid(customers: c => c with { Columns = [.. c.Columns, new ColumnMap("mobile") { Source = "phone_no" }] }));

        Assert.Equal("tables[0].columns[3].target", error.Path);
        Assert.Contains("no column \"mobile\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CastTextToIntegerWithoutRule_IsError()
    {
        var error = SingleError(Valid(orders: o => o with
        {
            Columns = [o.Columns[0], new ColumnMap("total_amount") { Source = "notes", Transform = ColumnTransform.Cast }],
        }));

        Assert.Equal("tables[1].columns[1].onCastFailure", error.Path);
        Assert.Equal("cast-without-rule", error.Kind);
    }

    [Fact]
    public void Validate_CopyTextIntoEnum_AsksForValueMap()
    {
        var error = SingleError(Valid(orders: o => o with
        {
            Columns = [new ColumnMap("status") { Source = "status_name" }, new ColumnMap("total_amount") { Source = "total_amt" }],
        }));

        Assert.Equal("tables[1].columns[0].transform", error.Path);
        Assert.Contains("valueMap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ValueMapOntoMissingEnumLabel_NamesTheValue()
    {
        var error = SingleError(Valid(orders: o => o with
        {
            Columns =
            [
                o.Columns[0] with { Values = new Dictionary<string, string?> { ["new"] = "pending", ["gone"] = "lost" } },
                o.Columns[1],
            ],
        }));

        Assert.Equal("tables[1].columns[0].values[\"gone\"]", error.Path);
        Assert.Equal("unknown-enum-value", error.Kind);
        Assert.Contains("pending, paid, shipped, cancelled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RequiredTargetColumnUnfilled_IsError()
    {
        var error = SingleError(Valid(orders: o => o with { Columns = [o.Columns[1]] }));

        Assert.Equal("tables[1].columns", error.Path);
        Assert.Equal("required-column", error.Kind);
        Assert.Contains("\"status\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NarrowingCopy_IsWarning()
    {
        var result = Validate(Valid(customers: c => c with { Columns = [.. c.Columns, new ColumnMap("phone") { Source = "email_addr" }] }));

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("tables[0].columns[3].source", warning.Path);
        Assert.Equal("narrowing-cast", warning.Kind);
    }

    [Fact]
    public void Validate_CyclicLookups_IsError()
    {
        var error = Validate(Valid(orders: o => o with
        {
            Lookups =
            [
                new LookupMerge("status_name", "b", Q("dispatch_status"), "name"),
                new LookupMerge("b", "status_name", Q("dispatch_status"), "name"),
            ],
        })).Errors.First(e => e.Kind == "cyclic-lookup");

        Assert.Equal("tables[1].lookups[0].sourceColumn", error.Path);
        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReferenceToUnproducedEntityType_IsError()
    {
        var error = SingleError(Valid(orders: o => o with { References = [CustomerRef with { EntityType = "clients" }] }));

        Assert.Equal("tables[1].references[0].entityType", error.Path);
        Assert.Equal("unknown-entity-type", error.Kind);
    }

    [Fact]
    public void Validate_DuplicateTargetTable_IsError()
    {
        var spec = Valid();
        spec = spec with { Tables = [.. spec.Tables, new TableMap(Q("dispatch_product"), Q("customers")) { Key = new KeyMap { EntityType = "product" } }] };

        var errors = Validate(spec).Errors.ToList();

        Assert.Contains(errors, e => e.Path == "tables[2].target" && e.Kind == "duplicate-target");
    }

    [Fact]
    public void Validate_SameTargetColumnTwice_IsError()
    {
        var error = SingleError(Valid(customers: c => c with { Columns = [.. c.Columns, new ColumnMap("email") { Source = "fax_no" }] }));

        Assert.Equal("tables[0].columns[3].target", error.Path);
        Assert.Equal("duplicate-target", error.Kind);
    }

    [Fact]
    public void Validate_SetNullOrphansOnUuidKeyIntoText_IsError()
    {
        var error = SingleError(Valid(orders: o => o with { References = [new ReferenceMap("customer_id", "notes", "customers")] }));

        Assert.Equal("tables[1].references[0].targetColumn", error.Path);
        Assert.Equal("type-mismatch", error.Kind);
    }

    [Fact]
    public void Validate_LeftoversIntoNonJsonColumn_IsError()
    {
        var error = SingleError(Valid(customers: c => c with { Leftovers = new LeftoverMap("phone") { Columns = ["fax_no"] } }));

        Assert.Equal("tables[0].leftovers.targetColumn", error.Path);
    }

    [Fact]
    public void Validate_SplitWithoutSeparatorAndPart_ReportsBoth()
    {
        var errors = Validate(Valid(customers: c => c with
        {
            Columns = [.. c.Columns, new ColumnMap("last_name") { Source = "first_name", Transform = ColumnTransform.Split }],
        })).Errors.Select(e => e.Path).ToList();

        Assert.Equal(["tables[0].columns[3].separator", "tables[0].columns[3].part"], errors);
    }

    [Fact]
    public void Validate_NewKeyIntoNonUuidColumn_IsError()
    {
        var errors = Validate(Valid(customers: c => c with { Key = new KeyMap { TargetColumn = "legacy_id" } })).Errors.ToList();

        Assert.Contains(errors, e => e.Path == "tables[0].key.targetColumn" && e.Message.Contains("not uuid", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Path == "tables[0].columns" && e.Kind == "required-column" && e.Message.Contains("\"id\"", StringComparison.Ordinal));
    }
}
