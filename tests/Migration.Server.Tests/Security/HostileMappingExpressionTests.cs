using System.Text.Json;
using Google.Rpc;
using Grpc.Core;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>
/// A mapping spec's SQL is one expression over the source row: a hostile expression or row filter (a statement after
/// a ';', a subquery, a function that waits, reaches another database, reads a file or runs SQL given as text, a comment
/// or a parenthesis that escapes the server's wrapper) is refused by validation with a field error naming its path, is
/// never sent to a database, and a migration cannot be created with it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HostileMappingExpressionTests(PostgresServer postgres, ServerFixture fixture)
{
    public static TheoryData<string, string> Hostile => new()
    {
        { "upper(name)); DROP TABLE canary; --", "closes a parenthesis" },
        { "upper(name) || ''; DROP TABLE canary", "';'" },
        { "(SELECT string_agg(rolname, ',') FROM pg_authid)", "\"SELECT\"" },
        { "pg_sleep(30)::text", "pg_sleep()" },
        { "dblink_exec('dbname=postgres', 'DROP TABLE canary')", "dblink_exec()" },
        { "nextval('canary_seq')::text", "nextval()" },
        { "pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file()" },
        { "query_to_xml('DELETE FROM canary RETURNING *', true, true, '')::text", "query_to_xml()" },
        { "name || '' --", "comments" },
        { "name) FROM pg_authid WHERE (true", "closes a parenthesis" },
        { "name /* hidden */ || 'x'", "comments" },
        { "$$x$$ || name", "dollar" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task ValidateAndCreate_HostileExpression_FieldErrorAndNothingRuns(string expression, string reason)
    {
        var (source, target) = await DatabasesAsync();
        var spec = Spec(expression, filter: null);

        var validation = await new MappingService.MappingServiceClient(fixture.Server.Channel).ValidateMappingAsync(new ValidateMappingRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
            SpecJson = spec,
        });
        var create = await Assert.ThrowsAsync<RpcException>(() =>
            fixture.Server.Client.CreateMigrationAsync(MigrationRun.Request(source, target, o => o.MappingJson = spec)).ResponseAsync);

        Assert.False(validation.Valid);
        var issue = Assert.Single(validation.Issues, i => i.Path == "tables[0].columns[0].expression");
        Assert.Equal("unsafe-sql", issue.Kind);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, create.StatusCode);
        Assert.Contains(create.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations, v => v.Field.EndsWith("tables[0].columns[0].expression", StringComparison.Ordinal));
        await AssertNothingRanAsync(source, target);
    }

    [Fact]
    public async Task Validate_HostileRowFilter_FieldErrorAndNothingRuns()
    {
        var (source, target) = await DatabasesAsync();

        var validation = await new MappingService.MappingServiceClient(fixture.Server.Channel).ValidateMappingAsync(new ValidateMappingRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
            SpecJson = Spec("upper(name)", filter: "true) OR (SELECT pg_sleep(30)) IS NULL OR (true"),
        });

        Assert.False(validation.Valid);
        var issue = Assert.Single(validation.Issues, i => i.Path == "tables[0].filter");
        Assert.Equal("unsafe-sql", issue.Kind);
        Assert.Contains("row filter", issue.Message, StringComparison.Ordinal);
        await AssertNothingRanAsync(source, target);
    }

    [Fact]
    public async Task Validate_PlainExpressionsWithQuotedTricks_Accepted()
    {
        var (source, target) = await DatabasesAsync();

        var validation = await new MappingService.MappingServiceClient(fixture.Server.Channel).ValidateMappingAsync(new ValidateMappingRequest
        {
            Source = new ConnectionSpec { ConnectionString = source },
            Target = new ConnectionSpec { ConnectionString = target },
            SpecJson = Spec("coalesce(upper(\"name\"), 'a -- (c /* d $$') || substring(name from 1 for 2) || E'\\' -- '", filter: "name <> 'x) DROP TABLE canary --'"),
        });

        // Quotes hide the tricks: the guard and PostgreSQL both accept these.
        Assert.DoesNotContain(validation.Issues, i => i.Path is "tables[0].filter" or "tables[0].columns[0].expression");
        await AssertNothingRanAsync(source, target);
    }

    private async Task<(string Source, string Target)> DatabasesAsync()
    {
        var source = await postgres.CreateDatabaseAsync("hostile_expr_src");
        var target = await postgres.CreateDatabaseAsync("hostile_expr_tgt");
        const string Canary = "CREATE TABLE canary (id int); INSERT INTO canary VALUES (1); CREATE SEQUENCE canary_seq;";
        await PostgresServer.ExecuteAsync(source, Canary + "CREATE TABLE people (id int PRIMARY KEY, name text); INSERT INTO people VALUES (1, 'ann'), (2, 'bob');");
        await PostgresServer.ExecuteAsync(target, Canary + "CREATE TABLE contacts (id int PRIMARY KEY, display text);");
        return (source, target);
    }

    private static async Task AssertNothingRanAsync(string source, string target)
    {
        foreach (var database in new[] { source, target })
        {
            Assert.Equal(1, await PostgresServer.ScalarAsync<long>(database, "SELECT count(*) FROM canary"));
            Assert.False(await PostgresServer.ScalarAsync<bool>(database, "SELECT is_called FROM canary_seq"));
        }
    }

    private static string Spec(string expression, string? filter) => JsonSerializer.Serialize(new
    {
        tables = new[]
        {
            new
            {
                source = "people",
                target = "contacts",
                filter,
                key = new { strategy = "keep" },
                columns = new object[]
                {
                    new { target = "display", transform = "expression", expression },
                    new { target = "id", source = "id" },
                },
            },
        },
    });
}
