using System.CommandLine;
using Migration.Contracts.V1;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration ask ID "QUESTION" [--conversation CID]`: one question to the guidance agent, answered from the live
/// state of the migration. The conversation id is printed so a follow-up ("and orders?", "yes") keeps its context.
/// </summary>
internal sealed class AskCommand : Command
{
    private readonly Argument<string> _id = MigrationIdArgument.Create();
    private readonly Argument<string[]> _question = new("QUESTION") { Description = "The question, in your own words", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string?> _conversation = new("--conversation", "-c")
    {
        Description = "Continue this conversation (keeps the context of earlier questions)",
        HelpName = "ID",
    };

    public AskCommand(GlobalOptions globals, CliEnvironment environment)
        : base("ask", "Ask the guidance agent about a migration (\"how far along are we?\", \"why is orders slow?\")")
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(environment);
        Arguments.Add(_id);
        Arguments.Add(_question);
        Options.Add(_conversation);
        SetAction((parseResult, cancellationToken) =>
            CommandContext.RunAsync(parseResult, globals, environment, (context, ct) => ExecuteAsync(parseResult, context, ct), cancellationToken));
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CommandContext context, CancellationToken cancellationToken)
    {
        var id = MigrationIdArgument.Value(parseResult, _id);
        var question = string.Join(' ', parseResult.GetValue(_question) ?? []).Trim();
        if (question.Length == 0)
        {
            throw CliException.Usage("a question is needed, e.g. migration ask ID \"how far along are we?\"");
        }

        var client = new GuidanceService.GuidanceServiceClient(context.Invoker);
        var response = await client.AskAsync(new AskRequest
        {
            MigrationId = id,
            ConversationId = parseResult.GetValue(_conversation) ?? string.Empty,
            Text = question,
            User = context.Environment.UserName,
        }, cancellationToken: cancellationToken);

        var writer = new GuidanceReplyWriter(context);
        writer.Reply(response.Reply);
        foreach (var card in response.Reply.Decisions.Where(_ => response.Reply.Intent == "pending_decisions"))
        {
            writer.Decision(card);
        }

        if (response.Reply.PendingAction is { Action: not GuidanceAction.Unspecified })
        {
            context.Notice($"to confirm: migration ask {id} --conversation {response.ConversationId} yes");
        }
        else
        {
            context.Notice($"conversation: {response.ConversationId} (follow up with --conversation {response.ConversationId})");
        }

        return ExitCodes.Success;
    }
}
