using Migration.Core.Execution;
using Migration.Postgres.Tests.Execution;
using Migration.Testing;
using Npgsql;

namespace Migration.Postgres.Tests.Mapping;

/// <summary>A spec-mapped table interrupted mid-way resumes with no duplicate ids and no lost or extra mapping.</summary>
[Collection("postgres")]
public sealed class SpecResumeTests(PostgresServer server) : CopierTestBase
{
    [Fact]
    public async Task CopyAsync_PageFailsAfterItsRowsWereWritten_ResumesWithEveryRowAndMappingExactlyOnce()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_resume_fault");
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_product", "dispatch_order");

        // A crash inside a page: the page's rows are already in the target when its transaction fails.
        await PostgresServer.ExecuteAsync(demo.Target, """
            CREATE TABLE public.fault (armed boolean NOT NULL);
            INSERT INTO public.fault VALUES (true);
            CREATE FUNCTION public.fail_mid_table() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT armed FROM public.fault) AND (SELECT count(*) FROM public.order_lines) >= 300 THEN
                    RAISE EXCEPTION 'injected crash after the page''s rows were written';
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER fail_mid_table AFTER INSERT ON public.order_lines FOR EACH STATEMENT EXECUTE FUNCTION public.fail_mid_table();
            """);
        var error = await Assert.ThrowsAsync<PostgresException>(() => demo.CopyAsync(Copier, "dispatch_order_item"));
        Assert.Contains("injected crash", error.MessageText, StringComparison.Ordinal);
        var before = await demo.TargetAsync("SELECT count(*) FROM order_lines");
        Assert.InRange(before, 1, 299);
        Assert.Equal(before, await MappingsAsync(demo));

        await PostgresServer.ExecuteAsync(demo.Target, "UPDATE public.fault SET armed = false");
        await demo.CopyAsync(Copier, "dispatch_order_item");
        await AssertCompleteAsync(demo);
    }

    [Fact]
    public async Task CopyAsync_CancelledMidTable_ResumesWithEveryRowAndMappingExactlyOnce()
    {
        var demo = await DemoPairKit.CreateAsync(server, "spec_resume_cancel");
        await demo.CopyAsync(Copier, "dispatch_customer", "dispatch_product", "dispatch_order");

        using var kill = new CancellationTokenSource();
        var batches = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Copier.CopyAsync(demo.Request("dispatch_order_item"), async (_, _) =>
        {
            if (++batches == 3)
            {
                await kill.CancelAsync(); // the next page stops wherever it is
            }
        }, kill.Token));
        var before = await demo.TargetAsync("SELECT count(*) FROM order_lines");
        Assert.True(before > 0);
        Assert.Equal(before, await MappingsAsync(demo));

        var results = new List<BatchResult>();
        await Copier.CopyAsync(demo.Request("dispatch_order_item"), CopyTestKit.Collect(results));
        Assert.NotEmpty(results);
        await AssertCompleteAsync(demo);
    }

    private static Task<long> MappingsAsync(DemoPairKit demo) =>
        demo.TargetAsync("SELECT count(*) FROM migration_control.migration_mappings WHERE entity_type = 'order_line'");

    private static async Task AssertCompleteAsync(DemoPairKit demo)
    {
        var expected = await demo.SourceAsync("SELECT count(*) FROM dispatch_order_item") - await demo.OutcomeAsync("dispatch_order_item", "orphan_skipped");
        Assert.Equal(expected, await demo.TargetAsync("SELECT count(*) FROM order_lines"));
        Assert.Equal(expected, await demo.TargetAsync("SELECT count(DISTINCT legacy_id) FROM order_lines"));
        Assert.Equal(expected, await MappingsAsync(demo));
        Assert.Equal(0, await demo.TargetAsync(
            "SELECT count(*) FROM order_lines t FULL JOIN (SELECT * FROM migration_control.migration_mappings WHERE entity_type = 'order_line') m " +
            "ON m.new_id = t.id::text AND m.legacy_id = t.legacy_id::text WHERE m.new_id IS NULL OR t.id IS NULL"));
        Assert.Equal(
            await demo.SourceAsync("SELECT count(*) FROM dispatch_order_item i WHERE NOT EXISTS (SELECT 1 FROM dispatch_order o WHERE o.id = i.order_id) OR i.order_id % 500 = 0"),
            await demo.OutcomeAsync("dispatch_order_item", "orphan_skipped"));
    }
}
