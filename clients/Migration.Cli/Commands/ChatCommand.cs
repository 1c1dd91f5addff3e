using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration chat ID [--conversation CID] [--quiet]`: an interactive conversation with the guidance agent. Lines
/// typed are questions; progress is narrated as it happens; a pending decision is shown with its options and a prompt
/// (a number answers it, Enter leaves it for later; `/decide` brings the prompt back). `exit` or end of input ends it.
/// </summary>
internal sealed class ChatCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Option<string?> _conversation = new("--conversation", "-c") { Description = "Continue this conversation", HelpName = "ID" };
    private readonly Option<bool> _quiet = new("--quiet") { Description = "No progress narration, only answers" };

    public ChatCommand(GlobalOptions globals, CliEnvironment environment)
        : base("chat", "Talk with the guidance agent about a migration, with live narration and decision prompts")
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(environment);
        Arguments.Add(_id);
        Options.Add(_conversation);
        Options.Add(_quiet);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var client = new GuidanceService.GuidanceServiceClient(context.Invoker);
        var writer = new GuidanceReplyWriter(context);
        var input = context.Environment.In;
        using var call = client.Converse(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ConverseRequest
        {
            Open = new ConverseOpen
            {
                MigrationId = id,
                ConversationId = parseResult.GetValue(_conversation) ?? string.Empty,
                User = context.Environment.UserName,
                Quiet = parseResult.GetValue(_quiet),
            },
        }, cancellationToken);
        if (!await call.ResponseStream.MoveNext(cancellationToken) || call.ResponseStream.Current.KindCase != ConverseResponse.KindOneofCase.Opened)
        {
            throw new CliException(ExitCodes.Failed, "the server did not open the conversation");
        }

        var opened = call.ResponseStream.Current.Opened;
        writer.Reply(opened.Greeting);
        context.Notice($"conversation {opened.ConversationId} — type a question, /decide for pending decisions, exit to leave");
        await DecideAsync(client, context, writer, id, opened.Greeting.Decisions, cancellationToken);

        // Replies, narration and decision cards are printed as they arrive; the prompt loop below only sends.
        var replies = new SemaphoreSlim(0);
        using var printing = new CancellationTokenSource();
        var printer = PrintAsync(call.ResponseStream, writer, replies, printing.Token);
        try
        {
            while (await input.ReadLineAsync(cancellationToken) is { } line)
            {
                var text = line.Trim();
                if (text.Length == 0)
                {
                    continue;
                }

                if (text is "exit" or "quit" or "/exit" or "/quit")
                {
                    break;
                }

                if (text == "/decide")
                {
                    var pending = await client.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id }, cancellationToken: cancellationToken);
                    await DecideAsync(client, context, writer, id, pending.Decisions, cancellationToken);
                    continue;
                }

                await call.RequestStream.WriteAsync(new ConverseRequest { Text = text }, cancellationToken);
                // One reply per message: wait for it so answers and prompts do not interleave.
                if (!await replies.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken))
                {
                    throw new CliException(ExitCodes.Failed, "no answer from the server within 2 minutes");
                }
            }
        }
        finally
        {
            await call.RequestStream.CompleteAsync();
            await printing.CancelAsync();
            try
            {
                await printer;
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // The conversation ends with the chat.
            }
        }

        return ExitCodes.Success;
    }

    private static async Task PrintAsync(IAsyncStreamReader<ConverseResponse> responses, GuidanceReplyWriter writer, SemaphoreSlim replies,
        CancellationToken cancellationToken)
    {
        while (await responses.MoveNext(cancellationToken))
        {
            var response = responses.Current;
            switch (response.KindCase)
            {
                case ConverseResponse.KindOneofCase.Reply:
                    writer.Reply(response.Reply);
                    replies.Release();
                    break;
                case ConverseResponse.KindOneofCase.Narration:
                    writer.Narration(response.Narration);
                    break;
                case ConverseResponse.KindOneofCase.DecisionRequest:
                    writer.Decision(response.DecisionRequest);
                    break;
            }
        }
    }

    /// <summary>The decision prompt: each pending decision with its options; a number answers it, Enter leaves it for later.</summary>
    private static async Task DecideAsync(GuidanceService.GuidanceServiceClient client, CommandContext context, GuidanceReplyWriter writer, string id,
        IEnumerable<DecisionCard> decisions, CancellationToken cancellationToken)
    {
        foreach (var card in decisions.ToList())
        {
            writer.Decision(card);
            var options = card.Decision.Options;
            await context.Environment.Out.WriteAsync($"Answer [1-{options.Count}, Enter = decide later]: ");
            await context.Environment.Out.FlushAsync(cancellationToken);
            var line = (await context.Environment.In.ReadLineAsync(cancellationToken))?.Trim();
            if (string.IsNullOrEmpty(line))
            {
                context.Notice("left for later: nothing is written while it waits (type /decide to come back to it)");
                continue;
            }

            if (!int.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var choice) || choice < 1 || choice > options.Count)
            {
                context.Notice($"'{line}' is not an option; left for later (type /decide to come back to it)");
                continue;
            }

            var answered = await client.AnswerDecisionAsync(new AnswerDecisionRequest
            {
                MigrationId = id,
                DecisionId = card.Decision.Id,
                OptionId = options[choice - 1].Id,
                AnsweredBy = context.Environment.UserName,
                Reason = "answered in the CLI chat",
            }, cancellationToken: cancellationToken);
            context.Notice($"recorded: {options[choice - 1].Title} (by {answered.Record.DecidedBy}); the migration is {answered.Migration.Phase}");
        }
    }
}
