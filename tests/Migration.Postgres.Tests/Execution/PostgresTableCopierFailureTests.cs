using Migration.Core.Execution;
using Migration.Core.Migrations;
using Migration.Postgres.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Execution;

[Collection("postgres")]
public sealed class PostgresTableCopierFailureTests(PostgresServer server) : CopierTestBase
{
    [Theory]
    [InlineData(WritePath.PassThrough, true)]
    [InlineData(WritePath.Mapped, true)]
    [InlineData(WritePath.PassThrough, false)]
    public async Task CopyAsync_TargetTriggerDropsRows_ThrowsBatchValidationAndRollsBackThePage(WritePath path, bool keyed)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_valid");
        var ddl = keyed ? "CREATE TABLE items (id int PRIMARY KEY, label text)" : "CREATE TABLE items (id int, label text)";
        await CopyTestKit.ExecuteBothAsync(source, target, ddl);
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE FUNCTION drop_some() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id > 250 AND NEW.id % 50 = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER drop_some BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION drop_some();
            """);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 1000) g; ANALYZE items");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, keyed ? ["id"] : [], initialBatchSize: 100);
        var batches = new List<BatchResult>();
        var settings = CopyTestKit.SmallPages with { BaseBatchSize = 100, MaxBatchSize = 100 };

        var error = await Assert.ThrowsAsync<BatchValidationException>(() =>
            Copier.CopyAsync(CopyTestKit.Request("valid", source, target, plan, settings), CopyTestKit.Collect(batches)));

        Assert.Contains("rolled back", error.Message, StringComparison.Ordinal);
        var committed = batches.Sum(b => (long)b.Rows);
        Assert.True(committed >= 100, $"pages before the first dropped row commit, got {committed}");
        Assert.Equal(committed, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
        Assert.Equal(committed, await PostgresServer.ScalarAsync<long>(target,
            "SELECT rows_copied FROM migration_control.checkpoints WHERE migration_id = 'valid' AND table_name = 'public.items'"));
    }

    [Fact]
    public async Task CopyAsync_ValidationOff_DroppedRowsAreNotDetected()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_novalid");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id int PRIMARY KEY)");
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE FUNCTION drop_some() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id % 50 = 0 THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER drop_some BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION drop_some();
            """);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g FROM generate_series(1, 500) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"]);
        var batches = new List<BatchResult>();

        await Copier.CopyAsync(CopyTestKit.Request("novalid", source, target, plan, validate: false), CopyTestKit.Collect(batches));

        Assert.All(batches, b => Assert.False(b.Validated));
        Assert.Equal(490, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task CopyAsync_FastPages_GrowThePageSize()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_grow");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id int PRIMARY KEY, v text)");
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'v' FROM generate_series(1, 3000) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"], initialBatchSize: 100);
        var settings = new BatchSettings { BaseBatchSize = 100, MinBatchSize = 50, MaxBatchSize = 1000, AdjustmentFactor = 0.5, PerformanceThreshold = TimeSpan.FromSeconds(60) };
        var batches = new List<BatchResult>();

        await Copier.CopyAsync(CopyTestKit.Request("grow", source, target, plan, settings), CopyTestKit.Collect(batches));

        Assert.Equal([100, 150, 225, 338, 507, 761], batches.Take(6).Select(b => b.Rows));
        Assert.Equal(150, batches[0].NextBatchSize);
        Assert.Equal(1000, batches[^2].NextBatchSize);
        Assert.Equal(3000, batches.Sum(b => (long)b.Rows));
    }

    [Fact]
    public async Task CopyAsync_SlowPages_ShrinkThePageSize()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_shrink");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id int PRIMARY KEY, v text)");
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NULL; END $$;
            CREATE TRIGGER slow AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION slow();
            """);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'v' FROM generate_series(1, 1000) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.Mapped, ["id"], initialBatchSize: 400);
        var settings = new BatchSettings { BaseBatchSize = 400, MinBatchSize = 50, MaxBatchSize = 1000, AdjustmentFactor = 0.5, PerformanceThreshold = TimeSpan.FromMilliseconds(10) };
        var batches = new List<BatchResult>();

        await Copier.CopyAsync(CopyTestKit.Request("shrink", source, target, plan, settings), CopyTestKit.Collect(batches));

        Assert.Equal([400, 200, 100, 50, 50], batches.Take(5).Select(b => b.Rows));
        Assert.Equal(200, batches[0].NextBatchSize);
        Assert.Equal(1000, batches.Sum(b => (long)b.Rows));
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }

    [Fact]
    public async Task CopyAsync_TransientSerializationFailure_RetriesWithHalvedPage()
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_retry");
        await CopyTestKit.ExecuteBothAsync(source, target, "CREATE TABLE items (id int PRIMARY KEY, v text)");
        // Sequences are not transactional: the first two COPYs fail with 40001, later ones pass.
        await PostgresServer.ExecuteAsync(target,
            """
            CREATE SEQUENCE attempts;
            CREATE FUNCTION flaky() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF nextval('attempts') <= 2 THEN RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001'; END IF; RETURN NULL; END $$;
            CREATE TRIGGER flaky AFTER INSERT ON items FOR EACH STATEMENT EXECUTE FUNCTION flaky();
            """);
        await PostgresServer.ExecuteAsync(source, "INSERT INTO items SELECT g, 'v' FROM generate_series(1, 1000) g");
        var plan = await CopyTestKit.PlanAsync(source, "items", WritePath.PassThrough, ["id"], initialBatchSize: 400);
        var batches = new List<BatchResult>();

        await Copier.CopyAsync(CopyTestKit.Request("retry", source, target, plan, CopyTestKit.SmallPages), CopyTestKit.Collect(batches));

        Assert.Equal(100, batches[0].Rows);
        Assert.Equal(await CopyTestKit.DigestAsync(source, "items"), await CopyTestKit.DigestAsync(target, "items"));
    }

    [Theory]
    [InlineData(WritePath.PassThrough)]
    [InlineData(WritePath.Mapped)]
    public async Task CopyAsync_ConstraintViolationWithIsolationOff_SurfacesPostgresExceptionWithoutRetrying(WritePath path)
    {
        var (source, target) = await CopyTestKit.CreateDatabasesAsync(server, "cp_check");
        await PostgresServer.ExecuteAsync(source, "CREATE TABLE items (id int PRIMARY KEY, qty int); INSERT INTO items SELECT g, g - 500 FROM generate_series(1, 600) g");
        await PostgresServer.ExecuteAsync(target, "CREATE TABLE items (id int PRIMARY KEY, qty int CONSTRAINT qty_positive CHECK (qty > 0))");
        var plan = await CopyTestKit.PlanAsync(source, "items", path, ["id"]);
        var batches = new List<BatchResult>();

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            Copier.CopyAsync(CopyTestKit.Request("check", source, target, plan) with { ErrorBudget = ErrorBudget.IsolationOff }, CopyTestKit.Collect(batches)));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal("qty_positive", error.ConstraintName);
        Assert.Empty(batches);
        Assert.Equal(0, await PostgresServer.ScalarAsync<long>(target, "SELECT count(*) FROM items"));
    }
}
