using Migration.Core.Catalog;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.UnitTests.Core.Builders;
using static Migration.UnitTests.Core.Builders.Names;

namespace Migration.UnitTests.Core.Planning;

/// <summary>Comparing the source with what the target already has: columns, rows and foreign keys.</summary>
public sealed class MigrationPlannerTargetTests
{
    private static CatalogBuilder Customers() => new CatalogBuilder()
        .Table("customers", t => t.Column("name", "text", nullable: false).Column("email", "character varying(200)").Rows(1_000));

    [Fact]
    public void Build_TargetHasSameEmptyTable_PassThroughWithoutCreating()
    {
        var source = Customers();

        var plan = Plans.Build(source, source.BuildEmptyCopy());

        var table = plan.Table("customers");
        Assert.Empty(plan.Problems);
        Assert.False(table.CreateInTarget);
        Assert.Equal(WritePath.PassThrough, table.WritePath);
        Assert.True(table.Mapping.IsIdentity);
        Assert.Equal(["id", "name", "email"], table.Mapping.Columns.Select(c => c.TargetColumn));
    }

    [Fact]
    public void Build_TargetMissesAColumn_BlockingNamingTableAndColumn()
    {
        var target = new CatalogBuilder().Table("customers", t => t.Column("name", "text", nullable: false)).Build();

        var plan = Plans.Build(Customers(), target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Blocking, problem.Severity);
        Assert.Equal("public.customers", problem.Table);
        Assert.Equal("email", problem.Column);
        Assert.Contains("\"email\"", problem.Message, StringComparison.Ordinal);
        Assert.Contains("public.customers", problem.Message, StringComparison.Ordinal);
        Assert.True(plan.HasBlockingProblems);
        Assert.Contains("1 problem(s) must be fixed", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TypeMismatch_BlockingNamingBothTypes()
    {
        var target = new CatalogBuilder()
            .Table("customers", t => t.Column("name", "text", nullable: false).Column("email", "character varying(100)"))
            .Build();

        var plan = Plans.Build(Customers(), target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Blocking, problem.Severity);
        Assert.Equal("public.customers", problem.Table);
        Assert.Equal("email", problem.Column);
        Assert.Contains("character varying(200)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("character varying(100)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SeveralMismatches_OneProblemEach()
    {
        var source = new CatalogBuilder()
            .Table("a", t => t.Column("x", "text").Column("y", "integer"))
            .Table("b", t => t.Column("z", "date"));
        var target = new CatalogBuilder()
            .Table("a", t => t.Column("x", "bigint"))
            .Table("b", t => t.Column("z", "timestamp without time zone"))
            .Build();

        var plan = Plans.Build(source, target);

        Assert.Equal(
            ["public.a.x", "public.a.y", "public.b.z"],
            plan.Blocking().Select(p => $"{p.Table}.{p.Column}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_TargetHasRequiredExtraColumn_BlockingNamingIt()
    {
        var target = new CatalogBuilder()
            .Table("customers", t => t.Column("name", "text", nullable: false).Column("email", "character varying(200)")
                .Column("tenant_id", "uuid", nullable: false))
            .Build();

        var plan = Plans.Build(Customers(), target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Blocking, problem.Severity);
        Assert.Equal("public.customers", problem.Table);
        Assert.Equal("tenant_id", problem.Column);
        Assert.Contains("required", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, null, null)] // nullable
    [InlineData(false, "now()", null)] // NOT NULL with a default
    [InlineData(false, null, 'd')] // identity
    public void Build_TargetHasOptionalExtraColumn_InfoOnly(bool nullable, string? defaultExpression, char? identity)
    {
        var target = new CatalogBuilder()
            .Table("customers", t => t.Column("name", "text", nullable: false).Column("email", "character varying(200)")
                .Column("note", "text", nullable, defaultExpression: defaultExpression, identity: identity))
            .Build();

        var plan = Plans.Build(Customers(), target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Info, problem.Severity);
        Assert.Equal("note", problem.Column);
        Assert.False(plan.HasBlockingProblems);
        Assert.Equal(WritePath.PassThrough, plan.Table("customers").WritePath);
    }

    [Fact]
    public void Build_TargetComputesAColumn_InfoAndNotCopied()
    {
        var source = new CatalogBuilder().Table("items", t => t.Column("price", "numeric").Column("total", "numeric"));
        var target = new CatalogBuilder()
            .Table("items", t => t.Column("price", "numeric").Column("total", "numeric", generatedExpression: "(price * 2)"))
            .Build();

        var plan = Plans.Build(source, target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Info, problem.Severity);
        Assert.Equal("total", problem.Column);
        Assert.Equal(["id", "price"], plan.Table("items").Mapping.Columns.Select(c => c.SourceColumn));
    }

    [Fact]
    public void Build_SourceGeneratedColumn_IsNotCopied()
    {
        var source = new CatalogBuilder()
            .Table("items", t => t.Column("price", "numeric").Column("total", "numeric", generatedExpression: "(price * 2)"));

        var plan = Plans.Build(source, source.BuildEmptyCopy());

        Assert.Empty(plan.Problems);
        Assert.Equal(["id", "price"], plan.Table("items").Mapping.Columns.Select(c => c.SourceColumn));
    }

    [Fact]
    public void Build_TargetTableHoldsRows_BlockingNamingTableAndCount()
    {
        var source = Customers();
        var target = source.Build() with
        {
            Tables = [source.Build().Tables[0] with { EstimatedRows = 1_234, ExactRows = null }],
        };

        var plan = Plans.Build(source, target);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(PlanProblemSeverity.Blocking, problem.Severity);
        Assert.Equal("public.customers", problem.Table);
        Assert.Null(problem.Column);
        Assert.Contains("1,234", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_TargetHasKeysBetweenLoadedTables_AsksForForeignKeyMode()
    {
        var source = new CatalogBuilder()
            .Table("customers")
            .Table("orders", t => t.ForeignKey("customers").Rows(10))
            .Table("order_lines", t => t.ForeignKey("orders").Rows(10));

        var plan = Plans.Build(source, source.BuildEmptyCopy());

        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(MigrationPlanner.ForeignKeyDecisionId, decision.Id);
        Assert.Equal("foreign-key-mode", decision.Id);
        Assert.Contains("2 connection rule(s)", decision.Question, StringComparison.Ordinal);
        Assert.Equal(2, decision.Options.Count);
        Assert.Equal(["recreate", "keep"], decision.Options.Select(o => o.Id));
        Assert.Equal("recreate", Assert.Single(decision.Options, o => o.Recommended).Id);
        Assert.All(decision.Options, o => Assert.False(string.IsNullOrWhiteSpace(o.Risk)));
        Assert.False(string.IsNullOrWhiteSpace(decision.Recommendation));
        Assert.False(string.IsNullOrWhiteSpace(decision.RiskAssessment));
        Assert.Null(decision.Answer);

        // Until answered the plan is laid out for the recommended option.
        Assert.Equal(ForeignKeyMode.RecreateAfterLoad, plan.ForeignKeyMode);
        Assert.Equal(["order_lines_orders_id_fkey", "orders_customers_id_fkey"], plan.DeferredConstraints.Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["customers", "orders", "order_lines"], plan.RenderWaves());
    }

    [Fact]
    public void Build_TargetKeysToTablesNotLoaded_DoNotAsk()
    {
        var source = new CatalogBuilder().Table("customers").Table("orders", t => t.ForeignKey("customers"));
        var target = source.BuildEmptyCopy();

        var plan = Plans.Build(source, target, new MigrationOptions { ExcludeTables = ["customers"] });

        Assert.Empty(plan.Decisions);
        Assert.Empty(plan.DeferredConstraints);
        Assert.Equal(ForeignKeyMode.Unspecified, plan.ForeignKeyMode);
    }

    [Fact]
    public void Build_ModeChosen_DoesNotAsk()
    {
        var source = new CatalogBuilder().Table("customers").Table("orders", t => t.ForeignKey("customers"));

        var keep = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.Keep });
        var recreate = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad });

        Assert.Empty(keep.Decisions);
        Assert.Empty(recreate.Decisions);
        Assert.Equal(ForeignKeyMode.Keep, keep.ForeignKeyMode);
        Assert.Equal(ForeignKeyMode.RecreateAfterLoad, recreate.ForeignKeyMode);
    }

    /// <summary>store ↔ staff (a cycle), employees → employees (self), rental → staff (plain).</summary>
    private static CatalogBuilder RentalShop() => new CatalogBuilder()
        .Table("store", t => t.ForeignKey("staff", "manager_staff_id").Rows(2))
        .Table("staff", t => t.ForeignKey("store").Rows(20))
        .Table("employees", t => t.ForeignKey("employees", "manager_id").Rows(50))
        .Table("rental", t => t.ForeignKey("staff").Rows(16_000));

    [Fact]
    public void Build_RecreateAfterLoad_DefersEveryExistingKeyOnce()
    {
        var source = RentalShop();

        var plan = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad });

        Assert.Equal(
            ["public.employees.employees_manager_id_fkey", "public.rental.rental_staff_id_fkey",
                "public.staff.staff_store_id_fkey", "public.store.store_manager_staff_id_fkey"],
            plan.DeferredConstraints.Select(d => $"{d.Table}.{d.Name}").Order(StringComparer.Ordinal));
        Assert.All(plan.DeferredConstraints, d => Assert.StartsWith("FOREIGN KEY", d.Definition, StringComparison.Ordinal));
        var rental = plan.DeferredConstraints.Single(d => d.Name == "rental_staff_id_fkey");
        Assert.Equal([Q("rental"), Q("staff")], rental.Tables);
        Assert.Contains("re-created", rental.Reason, StringComparison.Ordinal);
        Assert.Contains("4 connection rule(s) are checked after the load", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Keep_DefersOnlyCycleAndSelfReferenceKeys()
    {
        var source = RentalShop();

        var plan = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.Keep });

        Assert.Equal(2, plan.DeferredConstraints.Count);
        var self = plan.DeferredConstraints.Single(d => d.Name == "employees_manager_id_fkey");
        Assert.Equal([Q("employees")], self.Tables);
        Assert.Contains("references itself", self.Reason, StringComparison.Ordinal);
        var cycle = plan.DeferredConstraints.Single(d => d.Name != "employees_manager_id_fkey");
        Assert.Contains(cycle.Name, new[] { "staff_store_id_fkey", "store_manager_staff_id_fkey" });
        Assert.Equal([Q("staff"), Q("store")], cycle.Tables.Order());
        Assert.Contains("cycle", cycle.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.DeferredConstraints, d => d.Name == "rental_staff_id_fkey");

        // rental's key stays in force, so rental waits for staff.
        Assert.True(plan.Table("rental").Wave > plan.Table("staff").Wave);
        Assert.Contains(Q("staff"), plan.Table("rental").DependsOn);
        Assert.True(plan.Table("rental").ChecksForeignKeysDuringLoad);
        Assert.Contains("wait for the tables they point to", plan.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_KeysAddedAfterTheLoad_NoTableWaits()
    {
        var source = RentalShop();

        var recreate = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad });
        var created = Plans.Build(source, new CatalogBuilder().Build(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.Keep });

        // Waves still show the order along the connection rules, but nothing is checked while loading.
        Assert.Contains(Q("staff"), recreate.Table("rental").DependsOn);
        Assert.All(recreate.Tables, t => Assert.False(t.ChecksForeignKeysDuringLoad));
        Assert.All(created.Tables, t => Assert.False(t.ChecksForeignKeysDuringLoad));
        Assert.DoesNotContain("wait for", recreate.Summary, StringComparison.Ordinal);
        Assert.Contains("largest first", recreate.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Keep_EstimatesSlowerThanRecreate()
    {
        var source = RentalShop();

        var keep = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.Keep });
        var recreate = Plans.Build(source, source.BuildEmptyCopy(), new MigrationOptions { ForeignKeyMode = ForeignKeyMode.RecreateAfterLoad });

        Assert.True(keep.EstimatedDuration > recreate.EstimatedDuration * 2,
            $"keep {keep.EstimatedDuration} vs recreate {recreate.EstimatedDuration}");
    }

    [Fact]
    public void Build_TargetKeysDifferFromSource_OrdersByTheTargetKeys()
    {
        // The source has no keys, but the target does: b must wait for a.
        var source = new CatalogBuilder().Table("a").Table("b", t => t.Column("a_id"));
        var target = new CatalogBuilder().Table("a").Table("b", t => t.ForeignKey("a")).Build();

        var plan = Plans.Build(source, target, new MigrationOptions { ForeignKeyMode = ForeignKeyMode.Keep });

        Assert.Equal(["a", "b"], plan.RenderWaves());
        Assert.Empty(plan.DeferredConstraints);
    }
}
