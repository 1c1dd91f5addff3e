using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Migration.Guidance.Answers;
using Migration.Guidance.Conversations;
using Migration.Guidance.Deterministic;
using Migration.Guidance.Facts;
using Migration.Guidance.Language;

namespace Migration.Guidance.Model;

/// <summary>
/// Semantic Kernel chat completion (OpenAI-compatible endpoint) with the migration functions and automatic function
/// calling. The model words the answer; the figures come from the functions; actions are only proposed.
/// </summary>
public sealed class KernelGuidanceEngine(IOptions<GuidanceOptions> options, DeterministicEngine engine) : IModelGuidanceEngine, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public bool IsConfigured => options.Value.Model.IsConfigured;

    public async Task<GuidanceAnswer> AnswerAsync(MigrationFacts facts, string message, IReadOnlyList<ConversationTurn> history, ConversationContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(history);
        var model = options.Value.Model;
        var builder = Kernel.CreateBuilder();
#pragma warning disable SKEXP0010 // a custom endpoint (any OpenAI-compatible server) is the point of this engine
        builder.AddOpenAIChatCompletion(model.Name!, model.Endpoint!, string.IsNullOrEmpty(model.ApiKey) ? "no-key" : model.ApiKey, httpClient: _http);
#pragma warning restore SKEXP0010
        var kernel = builder.Build();
        var functions = new MigrationFunctions(facts, engine);
        kernel.Plugins.AddFromObject(functions, "migration");

        var chat = new ChatHistory(SystemPrompt(facts, context));
        foreach (var turn in history)
        {
            if (turn.Role == ConversationRole.User)
            {
                chat.AddUserMessage(turn.Text);
            }
            else if (turn.Role == ConversationRole.Assistant)
            {
                chat.AddAssistantMessage(turn.Text);
            }
        }

        chat.AddUserMessage(message);
        var settings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), Temperature = 0.2 };
        var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(chat, settings, kernel, cancellationToken);
        if (string.IsNullOrWhiteSpace(reply.Content))
        {
            throw new InvalidOperationException("The language model returned an empty answer.");
        }

        return new GuidanceAnswer(reply.Content.Trim(), functions.LastIntent ?? "model")
        {
            Engine = GuidanceEngineKind.Model,
            Figures = functions.Figures,
            Sources = [.. functions.Sources, $"functions called: {(functions.Calls.Count == 0 ? "none" : string.Join(", ", functions.Calls))}"],
            PendingAction = functions.Proposal,
            SubjectTable = functions.LastTable,
        };
    }

    public void Dispose() => _http.Dispose();

    private static string SystemPrompt(MigrationFacts facts, ConversationContext context) =>
        "You are the User Guidance agent of a database migration. The person you talk to owns the data but is not a database engineer. " +
        "Answer in short, plain business language. Use these words: a junction table is a \"connection table\", a foreign key a \"connection rule\", " +
        "rollback \"safely returning to the previous state\", an orphan \"data that lost its connection\". " +
        "Every number you give must come from a function result; never invent one. If the functions do not tell you, say you do not know and how to find out. " +
        "You cannot pause, resume, approve, cancel or roll back anything yourself: call propose_action and ask the user to reply yes. " +
        $"Migration {facts.Migration.Id} is {Wording.Phase(facts.Migration.Phase)}. Tables: {string.Join(", ", facts.TableNames)}." +
        (context.LastTable is null ? "" : $" The conversation was last about {context.LastTable}.");
}
