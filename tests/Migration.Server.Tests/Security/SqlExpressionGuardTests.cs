using Migration.Core.Mapping;

namespace Migration.Server.Tests.Security;

/// <summary>The mapping SQL rules on their own: what passes as one expression, what is refused and why (no database).</summary>
public sealed class SqlExpressionGuardTests
{
    [Theory]
    [InlineData("lower(btrim(email))")]
    [InlineData("price_cents / 100.0")]
    [InlineData("substring(name from 1 for 3) || trim(both from code)")]
    [InlineData("extract(year from created_at)::int")]
    [InlineData("coalesce(note, 'it''s -- not a comment; (nor this')")]
    [InlineData("E'a\\'b -- ; )' || \"Weird \"\"Name\"\"; --\"")]
    [InlineData("CASE WHEN qty > 0 THEN 'ok' ELSE 'selected' END")]
    [InlineData("gen_random_uuid()")]
    public void Check_PlainExpression_Accepted(string sql) => Assert.Null(SqlExpressionGuard.Check(sql, "expression"));

    [Theory]
    [InlineData("a; DROP TABLE t", "';'")]
    [InlineData("a -- rest", "comments")]
    [InlineData("a /* rest */", "comments")]
    [InlineData("a) OR (true", "closes a parenthesis")]
    [InlineData("lower((a)", "open")]
    [InlineData("'unterminated", "unterminated string")]
    [InlineData("$1 || a", "dollar")]
    [InlineData("(SELECT 1)", "\"SELECT\"")]
    [InlineData("a IN (VALUES (1))", "\"VALUES\"")]
    [InlineData("PG_SLEEP (1)::text", "PG_SLEEP()")]
    [InlineData("public.dblink_exec('x', 'y')", "dblink_exec()")]
    [InlineData("lo_import('/etc/passwd')::text", "lo_import()")]
    [InlineData("pg_advisory_lock(1)::text", "pg_advisory_lock()")]
    public void Check_Hostile_RefusedWithTheReason(string sql, string reason)
    {
        var problem = SqlExpressionGuard.Check(sql, "expression");

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutRefusedSql_RefusedFilterAndExpression_LeftOutAtTheirPositions()
    {
        var table = new TableMap(new Core.Catalog.QualifiedName("public", "a"), new Core.Catalog.QualifiedName("public", "b"))
        {
            Filter = "true) OR (true",
            Columns =
            [
                new ColumnMap("x") { Transform = ColumnTransform.Expression, Expression = "pg_sleep(1)" },
                new ColumnMap("y") { Transform = ColumnTransform.Expression, Expression = "lower(y)" },
            ],
        };

        var kept = SqlExpressionGuard.WithoutRefusedSql(table);

        Assert.Null(kept.Filter);
        Assert.Null(kept.Columns[0].Expression);
        Assert.Equal("lower(y)", kept.Columns[1].Expression);
    }
}
