using System.Globalization;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli.Commands;

/// <summary>Shows guidance replies, narration and decision cards to a person (JSON lines under --json).</summary>
internal sealed class GuidanceReplyWriter(CommandContext context)
{
    public void Reply(GuidanceReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (context.Json is { } json)
        {
            json.Write("reply", reply);
            return;
        }

        var console = context.Console;
        console.MarkupLineInterpolated($"[bold]guide:[/] {reply.Text}");
        if (reply.Table is { Columns.Count: > 0 } data)
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var column in data.Columns)
            {
                table.AddColumn(Markup.Escape(column));
            }

            foreach (var row in data.Rows)
            {
                table.AddRow(row.Cells.Select(c => new Text(c)).ToArray());
            }

            console.Write(table);
        }

        if (!string.IsNullOrEmpty(reply.EngineNote))
        {
            console.MarkupLineInterpolated($"[grey]({reply.EngineNote})[/]");
        }

        if (reply.Sources.Count > 0)
        {
            console.MarkupLineInterpolated($"[grey]based on: {string.Join("; ", reply.Sources)}[/]");
        }

        if (reply.Action is { } action)
        {
            console.MarkupLineInterpolated($"[grey]action {action.Action}: {(action.Succeeded ? "done" : "not done")}[/]");
        }

        if (reply.Suggestions.Count > 0 && reply.PendingAction is null)
        {
            console.MarkupLineInterpolated($"[grey]you could ask: {string.Join(" | ", reply.Suggestions)}[/]");
        }
    }

    public void Narration(Narration narration)
    {
        ArgumentNullException.ThrowIfNull(narration);
        if (context.Json is { } json)
        {
            json.Write("narration", narration);
            return;
        }

        context.Console.MarkupLineInterpolated($"[blue]· {narration.Text}[/]");
    }

    public void Decision(DecisionCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (context.Json is { } json)
        {
            json.Write("decision", card);
            return;
        }

        var decision = card.Decision;
        var console = context.Console;
        console.MarkupLineInterpolated($"[yellow bold]Decision ({decision.Id}):[/] {decision.Question}");
        for (var i = 0; i < decision.Options.Count; i++)
        {
            var option = decision.Options[i];
            console.MarkupLineInterpolated(
                $"  {(i + 1).ToString(CultureInfo.InvariantCulture)}) {option.Title}{(option.Recommended ? " (recommended)" : "")} — {option.Description} Risk: {option.Risk}");
        }

        console.MarkupLineInterpolated($"  [grey]risk: {decision.RiskAssessment} Recommendation: {decision.Recommendation}[/]");
    }
}
