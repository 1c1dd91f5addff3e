using Google.Rpc;
using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Mapping;

/// <summary>MappingService through a real channel on a tiny legacy pair: suggest, validate, update, the plan and the mismatch gate.</summary>
[Collection(ServerCollection.Name)]
public sealed class MappingServiceTests(PostgresServer postgres, ServerFixture fixture)
{
    private const string SourceSql = """
        CREATE TABLE dispatch_customer (id serial PRIMARY KEY, email_addr varchar(255), is_active boolean, fax_no text);
        CREATE TABLE dispatch_status (id integer PRIMARY KEY, name varchar(20) NOT NULL);
        CREATE TABLE dispatch_order (id serial PRIMARY KEY, customer_id integer REFERENCES dispatch_customer(id),
            status_id integer REFERENCES dispatch_status(id), total_amt numeric(12,2));
        INSERT INTO dispatch_customer (email_addr, is_active, fax_no) VALUES ('a@x.org', true, '1'), ('b@x.org', false, NULL);
        INSERT INTO dispatch_status VALUES (1, 'new'), (2, 'paid'), (3, 'void'), (4, 'lost');
        INSERT INTO dispatch_order (customer_id, status_id, total_amt) VALUES (1, 1, 10), (1, 2, 20), (2, 4, 5);
        """;

    private const string TargetSql = """
        CREATE TYPE order_status AS ENUM ('pending', 'paid', 'cancelled');
        CREATE TABLE customers (id uuid PRIMARY KEY, legacy_id integer, email varchar(255) NOT NULL, active boolean, metadata jsonb);
        CREATE TABLE orders (id uuid PRIMARY KEY, legacy_id integer, customer_id uuid, status order_status, total_amount numeric(12,2));
        """;

    /// <summary>Written by hand: "lost" is not mapped, which sampling finds before anything is written.</summary>
    private const string SpecJson = """
        {
          "tables": [
            { "source": "dispatch_customer", "target": "customers", "key": { "legacyIdColumn": "legacy_id" },
              "columns": [ { "target": "email", "source": "email_addr" }, { "target": "active", "source": "is_active" } ],
              "leftovers": { "targetColumn": "metadata", "allUnmapped": true } },
            { "source": "dispatch_order", "target": "orders", "key": { "legacyIdColumn": "legacy_id" },
              "lookups": [ { "name": "status_name", "sourceColumn": "status_id", "table": "dispatch_status", "valueColumn": "name" } ],
              "columns": [
                { "target": "status", "source": "status_name", "transform": "valueMap", "values": { "new": "pending", "paid": "paid", "void": "cancelled" } },
                { "target": "total_amount", "source": "total_amt" } ],
              "references": [ { "sourceColumn": "customer_id", "targetColumn": "customer_id", "entityType": "customers" } ] }
          ]
        }
        """;

    private MappingService.MappingServiceClient Mapping => new(fixture.Server.Channel);

    private async Task<(string Source, string Target)> PairAsync(string prefix)
    {
        var source = await postgres.CreateDatabaseAsync(prefix + "_src");
        var target = await postgres.CreateDatabaseAsync(prefix + "_tgt");
        await PostgresServer.ExecuteAsync(source, SourceSql);
        await PostgresServer.ExecuteAsync(target, TargetSql);
        return (source, target);
    }

    [Fact]
    public async Task SuggestMapping_LegacyPair_ProposesRenamesUuidKeysLookupAndReferences()
    {
        var (source, target) = await PairAsync("map_suggest");

        var response = await Mapping.SuggestMappingAsync(new SuggestMappingRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
        });

        var customers = Assert.Single(response.Spec.Tables, t => t.Target == "public.customers");
        Assert.Equal("public.dispatch_customer", customers.Source);
        Assert.Equal(KeyStrategy.NewUuid, customers.Key.Strategy);
        Assert.Equal("legacy_id", customers.Key.LegacyIdColumn);
        Assert.Contains(customers.Columns, c => c.Target == "email" && c.Source == "email_addr" && c.Confidence >= 0.7 && c.Reason.Length > 0);
        Assert.Contains(customers.Columns, c => c.Target == "active" && c.Source == "is_active");
        Assert.Equal("metadata", customers.Leftovers.TargetColumn);
        var orders = Assert.Single(response.Spec.Tables, t => t.Target == "public.orders");
        Assert.Contains(orders.References, r => r.SourceColumn == "customer_id" && r.EntityType == "customers");
        Assert.Equal("status_id", Assert.Single(orders.Lookups).SourceColumn);
        // "lost" has no label: the status mapping is asked, not guessed.
        Assert.DoesNotContain(orders.Columns, c => c.Target == "status");
        Assert.Contains(response.Decisions, d => d.Id == "mapping-column-public.orders-status" && d.Question.Contains("lost", StringComparison.Ordinal));
        Assert.Contains("\"source\": \"public.dispatch_customer\"", response.SpecJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateMapping_BadSpec_InvalidArgumentWithFieldViolationsAndNothingChanged()
    {
        var (source, target) = await PairAsync("map_bad");
        var created = await fixture.Server.Client.CreateMigrationAsync(MigrationRun.Request(source, target, o => o.MappingJson = SpecJson));
        var id = created.Migration.Id;
        var bad = SpecJson.Replace("\"source\": \"email_addr\"", "\"source\": \"mail\"", StringComparison.Ordinal)
            .Replace("\"table\": \"dispatch_status\"", "\"table\": \"dispatch_state\"", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(() => Mapping.UpdateMappingAsync(new UpdateMappingRequest { MigrationId = id, SpecJson = bad }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        Assert.Contains(violations, v => v.Field == "spec.tables[0].columns[0].source" && v.Description.Contains("\"mail\"", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "spec.tables[1].lookups[0].table");
        var unchanged = await Mapping.GetMappingAsync(new GetMappingRequest { MigrationId = id });
        Assert.Equal("email_addr", unchanged.Spec.Tables[0].Columns[0].Source);

        var invalidSql = await Mapping.ValidateMappingAsync(new ValidateMappingRequest
        {
            MigrationId = id,
            SpecJson = SpecJson.Replace("\"key\": { \"legacyIdColumn\": \"legacy_id\" },", "\"filter\": \"no_such_column > 1\", \"key\": { \"legacyIdColumn\": \"legacy_id\" },", StringComparison.Ordinal),
        });
        Assert.False(invalidSql.Valid);
        Assert.Contains(invalidSql.Issues, i => i.Path == "tables[0].filter" && i.Kind == "invalid-sql" && i.Message.Contains("no_such_column", StringComparison.Ordinal));

        // A ';' inside a string is part of the expression, not a second statement: PostgreSQL checks it like any other.
        var semicolonInString = await Mapping.ValidateMappingAsync(new ValidateMappingRequest
        {
            MigrationId = id,
            SpecJson = SpecJson.Replace("\"key\": { \"legacyIdColumn\": \"legacy_id\" },", "\"filter\": \"coalesce(email_addr, '') <> 'a;b'\", \"key\": { \"legacyIdColumn\": \"legacy_id\" },", StringComparison.Ordinal),
        });
        Assert.DoesNotContain(semicolonInString.Issues, i => i.Path == "tables[0].filter");
    }

    [Fact]
    public async Task CreateAndUpdateMapping_GoodSpec_PlanCarriesItAndMismatchGateWaitsForAnswer()
    {
        var (source, target) = await PairAsync("map_good");

        var created = await fixture.Server.Client.CreateMigrationAsync(MigrationRun.Request(source, target, o => o.MappingJson = SpecJson));

        var id = created.Migration.Id;
        Assert.Equal(MigrationPhase.AwaitingApproval, created.Migration.Phase);
        var planned = created.Plan.Waves.SelectMany(w => w.Tables).ToList();
        Assert.Equal(["public.dispatch_customer", "public.dispatch_order"], planned.Select(t => t.Table).Order(StringComparer.Ordinal));
        var orders = planned.Single(t => t.Table == "public.dispatch_order");
        Assert.Equal("public.orders", orders.TargetTable);
        Assert.Contains(orders.Columns, c => c.Target == "total_amount" && c.Transform == "total_amt → total_amount (rename)");
        Assert.Contains(orders.Columns, c => c.Target == "id" && c.Transform.Contains("new uuid", StringComparison.Ordinal));

        // "lost" was found by sampling: a schema mismatch decision, and no approval before it is answered.
        var mismatch = Assert.Single(created.Plan.Decisions, d => d.Id.StartsWith("schema-mismatch-", StringComparison.Ordinal));
        Assert.Contains("\"lost\"", mismatch.Question, StringComparison.Ordinal);
        Assert.Equal(["adapt-data", "change-target"], mismatch.Options.Select(o => o.Id));
        var refused = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);

        await new GuidanceService.GuidanceServiceClient(fixture.Server.Channel).AnswerDecisionAsync(
            new AnswerDecisionRequest { MigrationId = id, DecisionId = mismatch.Id, OptionId = "adapt-data", AnsweredBy = "tester" });
        var adapted = await Mapping.GetMappingAsync(new GetMappingRequest { MigrationId = id });
        Assert.Equal(ValueMapElse.Null, adapted.Spec.Tables[1].Columns[0].Else);

        // A replaced spec (no leftovers, a constant) is what GetMapping returns, and the plan is made again from it.
        var replacement = SpecJson.Replace("\"leftovers\": { \"targetColumn\": \"metadata\", \"allUnmapped\": true }",
            "\"columns\": [ { \"target\": \"email\", \"source\": \"email_addr\" }, { \"target\": \"active\", \"defaultValue\": \"true\" } ]", StringComparison.Ordinal)
            .Replace("\"columns\": [ { \"target\": \"email\", \"source\": \"email_addr\" }, { \"target\": \"active\", \"source\": \"is_active\" } ],", "", StringComparison.Ordinal);
        var updated = await Mapping.UpdateMappingAsync(new UpdateMappingRequest { MigrationId = id, SpecJson = replacement, UpdatedBy = "tester" });

        Assert.False(updated.Plan.Approved);
        var shown = await Mapping.GetMappingAsync(new GetMappingRequest { MigrationId = id });
        Assert.Null(shown.Spec.Tables[0].Leftovers);
        Assert.Contains(shown.Spec.Tables[0].Columns, c => c.Target == "active" && c.DefaultValue == "true" && c.Source.Length == 0);
        var plan = await fixture.Server.Client.GetPlanAsync(new GetPlanRequest { MigrationId = id });
        var customers = plan.Plan.Waves.SelectMany(w => w.Tables).Single(t => t.Table == "public.dispatch_customer");
        Assert.Contains(customers.Columns, c => c.Target == "active" && c.Transform == "active = true (constant)");
        Assert.DoesNotContain(customers.Columns, c => c.Target == "metadata");
    }
}
