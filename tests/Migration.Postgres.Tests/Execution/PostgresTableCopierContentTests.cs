using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Core.Planning;
using Migration.Postgres.Execution;
using Migration.Testing;

namespace Migration.Postgres.Tests.Execution;

[Collection("postgres")]
public sealed class PostgresTableCopierContentTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_CompositePrimaryKey_CopiesEveryRowOnce(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_comp");
        await CopyTestKit.ExecuteBothAsync(source, target,
            "CREATE TABLE order_lines (order_id int NOT NULL, line text NOT NULL, qty int, note text, PRIMARY KEY (order_id, line))");
        await PostgresServer.ExecuteAsync(source,
            "INSERT INTO order_lines SELECT o, 'L' || l, o * l, CASE WHEN l = 2 THEN NULL ELSE 'n' || o END FROM generate_series(1, 400) o, generate_series(1, 3) l");
        var plan = await CopyTestKit.PlanAsync(source, "order_lines", path, ["order_id", "line"]);
        var batches = new List<BatchResult>();

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), CopyTestKit.Collect(batches));

        Assert.Equal(1200, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "order_lines"), await CopyTestKit.DigestAsync(target, "order_lines"));
        Assert.True(batches.Count >= 4, $"expected several pages, got {batches.Count}");
        Assert.Equal(1200, batches.Sum(b => b.Rows));
        Assert.All(batches, b => Assert.True(b.Validated));
        Assert.Equal("public.order_lines#1", batches[0].BatchId);
        Assert.Equal(batches.Count, result.Batches);
    }

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_TableWithoutKey_CopiesBlockRangesIncludingDuplicates(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_ctid");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE events (kind text, payload jsonb, at timestamptz)");
        await PostgresServer.ExecuteAsync(source,
            """
            INSERT INTO events SELECT 'k' || (g % 7), jsonb_build_object('g', g % 100), '2024-01-01'::timestamptz + g * interval '1 minute'
            FROM generate_series(1, 3000) g;
            INSERT INTO events SELECT kind, payload, at FROM events WHERE kind = 'k1';
            DELETE FROM events WHERE kind = 'k3';
            ANALYZE events;
            """);
        var plan = await CopyTestKit.PlanAsync(source, "events", path, []);
        var batches = new List<BatchResult>();

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), CopyTestKit.Collect(batches));

        var expected = await CopyTestKit.DigestAsync(source, "events");
        Assert.Equal(expected, await CopyTestKit.DigestAsync(target, "events"));
        Assert.Equal(expected.Rows, result.RowsCopied);
        Assert.True(batches.Count >= 3, $"expected several block ranges, got {batches.Count}");
        Assert.All(batches, b => Assert.True(b.Validated));
    }

    [Theory]
    [InlineData(WritePath.PassThrough, "bigint")]
    [InlineData(WritePath.Mapped, "bigint")]
    [InlineData(WritePath.PassThrough, "smallint")]
    public async Task CopyAsync_SparseIntegerKey_CopiesEveryRowOnceInBoundedPages(WritePath path, string keyType)
    {
        // Dense runs, wide gaps, negative keys and (for bigint) both ends of the type: pages are cut by arithmetic
        // on the key, so gaps must neither lose rows nor cost a page per gap-width of keys.
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_sparse");
        await CopyTestKit.ExecuteBothAsync(source, target, $"CREATE TABLE readings (id {keyType} PRIMARY KEY, value text)");
        var keys = keyType == "bigint"
            ? "SELECT g FROM generate_series(-300, 300) g UNION ALL SELECT 1000000000000 + g FROM generate_series(1, 500) g " +
              "UNION ALL SELECT -9223372036854775808 UNION ALL SELECT 9223372036854775807 UNION ALL SELECT 9223372036854775000 + g FROM generate_series(1, 200) g"
            : "SELECT g FROM generate_series(-32768, -32600) g UNION ALL SELECT g FROM generate_series(-50, 400) g UNION ALL SELECT g FROM generate_series(32700, 32767) g";
        await PostgresServer.ExecuteAsync(source, $"INSERT INTO readings SELECT k, 'r' || k FROM ({keys}) s(k); ANALYZE readings;");
        var plan = await CopyTestKit.PlanAsync(source, "readings", path, ["id"]);
        var batches = new List<BatchResult>();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // a page per gap-width would never end

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), CopyTestKit.Collect(batches), patience.Token);

        var expected = await CopyTestKit.DigestAsync(source, "readings");
        Assert.Equal(expected, await CopyTestKit.DigestAsync(target, "readings"));
        Assert.Equal(expected.Rows, result.RowsCopied);
        Assert.Equal(expected.Rows, batches.Sum(b => b.Rows));
        Assert.True(batches.Count >= 3, $"expected several pages, got {batches.Count}");
        Assert.All(batches.SkipLast(1), b => Assert.InRange(b.Rows, 1, CopyTestKit.SmallPages.MaxBatchSize * 2));
    }

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_UniqueNotNullKey_PagesOnTheUniqueKey(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_uniq");
        await CopyTestKit.ExecuteBothAsync(source, target,
            "CREATE TABLE accounts (code varchar(20) NOT NULL UNIQUE, owner text, balance numeric(14,2))");
        await PostgresServer.ExecuteAsync(source,
            "INSERT INTO accounts SELECT 'AC-' || lpad(g::text, 6, '0') || CASE WHEN g % 3 = 0 THEN ' x''\\y' ELSE '' END, 'Øwner ' || g, g * 1.25 FROM generate_series(1, 700) g");
        var plan = await CopyTestKit.PlanAsync(source, "accounts", path, ["code"]);
        var batches = new List<BatchResult>();

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), CopyTestKit.Collect(batches));

        Assert.Equal(700, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "accounts"), await CopyTestKit.DigestAsync(target, "accounts"));
        Assert.True(batches.Count >= 3);
    }

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_EveryColumnType_ContentIsEqualAfterwards(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_types");
        const string ddl = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
            CREATE TABLE everything (
                id bigint PRIMARY KEY,
                i2 smallint, i4 integer, f4 real, f8 double precision,
                amount numeric(20,6), big numeric, flag boolean,
                name text, code varchar(12), letter char(3),
                uid uuid, at timestamptz, local_at timestamp, day date, clock time, span interval,
                doc jsonb, raw_json json, blob bytea,
                tags text[], scores int[], grid float8[],
                feeling mood, counter positive_int,
                ip inet, range_col int4range);
            CREATE TABLE nothing (id int PRIMARY KEY, v text);
            """;
        await CopyTestKit.ExecuteBothAsync(source, target, ddl);
        await PostgresServer.ExecuteAsync(source,
            """
            INSERT INTO everything
            SELECT g, (g % 30000)::smallint, g * 7, g / 3.0, g / 7.0 + 1e-12,
                   g * 1.123456, 12345678901234567890.123456 + g, g % 2 = 0,
                   'naïve ☃ 日本語 ' || g, 'c' || g, 'ab',
                   md5(g::text)::uuid, '2020-02-29 23:59:59.123456+05:30'::timestamptz + g * interval '1 hour',
                   '1999-12-31 23:59:59.999999'::timestamp, '2000-01-01'::date + g, '12:34:56.789'::time,
                   make_interval(months => g % 14, days => g % 40, secs => g * 1.5),
                   jsonb_build_object('n', g, 'arr', jsonb_build_array(1, 'two', null), 'nested', jsonb_build_object('ü', true)),
                   '{"b": 1,  "a": [1, 2]}', decode(md5(g::text), 'hex'),
                   ARRAY['x' || g, NULL, 'quote"d', 'comma,'], ARRAY[g, g + 1], ARRAY[0.1, -0.0, 'Infinity'::float8],
                   (ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3], 1 + g % 5,
                   ('10.0.' || (g % 250) || '.1')::inet, int4range(g, g + 10)
            FROM generate_series(1, 300) g;
            INSERT INTO everything (id) VALUES (1000001);
            INSERT INTO everything (id, blob, name, f8, tags) VALUES (1000002, (SELECT string_agg(decode(md5(i::text), 'hex'), ''::bytea) FROM generate_series(1, 65536) i), '', 'NaN', '{}');
            INSERT INTO everything (id, blob, doc) VALUES (1000003, (SELECT string_agg(decode(md5((i * 3)::text), 'hex'), ''::bytea) FROM generate_series(1, 65536) i), '[]');
            """);
        var plan = await CopyTestKit.PlanAsync(source, "everything", path, ["id"]);
        var empty = await CopyTestKit.PlanAsync(source, "nothing", path, ["id"]);
        var batches = new List<BatchResult>();

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), CopyTestKit.Collect(batches));
        var emptyResult = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, empty), CopyTestKit.Collect(batches));

        Assert.Equal(303, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "everything"), await CopyTestKit.DigestAsync(target, "everything"));
        Assert.Equal(1024 * 1024, await PostgresServer.ScalarAsync<int>(target, "SELECT length(blob) FROM everything WHERE id = 1000002"));
        Assert.Equal(0, emptyResult.RowsCopied);
        Assert.Equal(0, emptyResult.Batches);
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM nothing"));
        Assert.True(await PostgresServer.ScalarAsync<bool>(target,
            "SELECT completed FROM migration_control.checkpoints WHERE migration_id = 'm1' AND table_name = 'public.nothing'"));
    }

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_EnumArraysInTextFormat_ContentIsEqualAfterwards(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_enumarr");
        // Different creation order gives the enum different OIDs in the two databases.
        await PostgresServer.ExecuteAsync(target, "CREATE TYPE filler AS ENUM ('x')");
        await CopyTestKit.ExecuteBothAsync(source, target,
            "CREATE TYPE color AS ENUM ('red', 'green', 'blue'); CREATE TABLE palettes (id int PRIMARY KEY, colors color[], main color)");
        await PostgresServer.ExecuteAsync(source,
            "INSERT INTO palettes SELECT g, ARRAY['red', 'blue']::color[], (ARRAY['red', 'green', 'blue']::color[])[1 + g % 3] FROM generate_series(1, 250) g; INSERT INTO palettes VALUES (999, NULL, NULL)");
        var plan = await CopyTestKit.PlanAsync(source, "palettes", path, ["id"], format: CopyFormat.Text);

        var result = await Copier.CopyAsync(CopyTestKit.Request("m1", source, target, plan), (_, _) => Task.CompletedTask);

        Assert.Equal(251, result.RowsCopied);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "palettes"), await CopyTestKit.DigestAsync(target, "palettes"));
    }
}
