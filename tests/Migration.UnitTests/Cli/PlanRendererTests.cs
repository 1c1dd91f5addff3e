using Migration.Cli.Rendering;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.UnitTests.Cli;

public sealed class PlanRendererTests
{
    [Fact]
    public void Render_Plan_ShowsWavesCycleBreaksProblemsAndDecision()
    {
        var plan = new MigrationPlan
        {
            MigrationId = "m1",
            Summary = "2 tables in 2 waves.",
            EstimatedRows = 12_000,
            Waves =
            {
                new PlanWave { Number = 1, Tables = { new PlannedTable { Table = "public.store", Class = TableClass.Catalog, EstimatedRows = 2_000, WritePath = WritePath.PassThrough, Paging = "keyset on (id)", Strategy = "bulk" } } },
                new PlanWave { Number = 2, Tables = { new PlannedTable { Table = "public.staff", Class = TableClass.Transactional, EstimatedRows = 10_000, WritePath = WritePath.Mapped, Paging = "keyset on (id)", Strategy = "incremental chunks" } } },
            },
            CycleBreaks = { new CycleBreak { Constraint = "public.store.store_manager_fk", Tables = { "public.store", "public.staff" }, Resolution = "load null, fix up after" } },
            Problems = { new PlanProblem { Severity = PlanProblem.Types.Severity.Warning, Table = "public.staff", Column = "picture", Message = "bytea column is large" } },
            Decisions =
            {
                new Decision
                {
                    Id = "foreign-key-mode", Question = "Keep foreign keys?", Recommendation = "Re-create afterwards",
                    Options = { new DecisionOption { Id = "recreate", Title = "Re-create afterwards", Recommended = true, Risk = "low" }, new DecisionOption { Id = "keep", Title = "Keep" } },
                },
            },
        };
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;

        PlanRenderer.Render(console, plan);

        var text = output.ToString();
        Assert.Contains("public.store", text, StringComparison.Ordinal);
        Assert.Contains("pass-through", text, StringComparison.Ordinal);
        Assert.Contains("incremental chunks", text, StringComparison.Ordinal);
        Assert.Contains("10,000", text, StringComparison.Ordinal);
        Assert.Contains("public.store.store_manager_fk", text, StringComparison.Ordinal);
        Assert.Contains("public.staff.picture", text, StringComparison.Ordinal);
        Assert.Contains("1. Re-create afterwards (recommended)", text, StringComparison.Ordinal);
        Assert.Contains("Recommendation: Re-create afterwards", text, StringComparison.Ordinal);
    }
}
