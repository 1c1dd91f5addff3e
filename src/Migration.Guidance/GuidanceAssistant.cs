using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Migration.Core.Migrations;
using Migration.Guidance.Abstractions;
using Migration.Guidance.Answers;
using Migration.Guidance.Conversations;
using Migration.Guidance.Deterministic;
using Migration.Guidance.Facts;
using Migration.Guidance.Language;
using Migration.Guidance.Model;

namespace Migration.Guidance;

/// <summary>
/// The User Guidance agent's entry point: keeps conversations (context, turns), answers through the model engine when
/// one is configured and falls back to the deterministic engine when it fails or times out, and carries out confirmed
/// actions — after the caller's permission check — through the orchestrator. Nothing is changed without a "yes".
/// </summary>
public sealed partial class GuidanceAssistant(
    IConversationStore conversations,
    MigrationFactsReader factsReader,
    DeterministicEngine deterministic,
    IModelGuidanceEngine model,
    IMigrationGateway gateway,
    IGuidanceAuthorizer authorizer,
    IOptions<GuidanceOptions> options,
    TimeProvider clock,
    ILogger<GuidanceAssistant> logger)
{
    private const int ModelHistoryTurns = 12;

    /// <summary>
    /// Opens a conversation: an existing one (it must belong to <paramref name="migrationId"/>), or a new one.
    /// KeyNotFoundException for an unknown migration or conversation; ArgumentException (conversationId) for a
    /// conversation of another migration.
    /// </summary>
    public async Task<ConversationRecord> OpenAsync(string migrationId, string? conversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationId);
        if (await gateway.GetAsync(migrationId, cancellationToken) is null)
        {
            throw MigrationErrors.NotFound(migrationId);
        }

        if (!string.IsNullOrWhiteSpace(conversationId))
        {
            var existing = await conversations.GetAsync(conversationId, cancellationToken)
                ?? throw new KeyNotFoundException($"No conversation with id '{conversationId}'.");
            return existing.MigrationId == migrationId
                ? existing
                : throw new ArgumentException($"Conversation '{conversationId}' belongs to migration '{existing.MigrationId}', not '{migrationId}'.", nameof(conversationId));
        }

        var created = new ConversationRecord(Guid.NewGuid().ToString("N"), migrationId, clock.GetUtcNow(), ConversationContext.Empty);
        await conversations.SaveAsync(created, cancellationToken);
        return created;
    }

    /// <summary>Checks a user message: not empty, not longer than the configured maximum.</summary>
    public void ValidateMessage(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The message is empty: ask a question, for example \"how far along are we?\".", nameof(text));
        }

        if (text.Length > options.Value.MaxMessageLength)
        {
            throw new ArgumentException($"The message has {text.Length} characters; at most {options.Value.MaxMessageLength} are accepted.", nameof(text));
        }
    }

    public async Task<GuidanceExchange> AskAsync(string migrationId, string? conversationId, string text, GuidanceCaller caller,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ValidateMessage(text);
        var conversation = await OpenAsync(migrationId, conversationId, cancellationToken);
        var answer = await AnswerInConversationAsync(conversation, text, caller, cancellationToken);
        return new GuidanceExchange(conversation.Id, answer);
    }

    /// <summary>Answers one message of an open conversation and records both turns.</summary>
    public async Task<GuidanceAnswer> AnswerInConversationAsync(ConversationRecord conversation, string text, GuidanceCaller caller,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(caller);
        ValidateMessage(text);
        var current = await conversations.GetAsync(conversation.Id, cancellationToken) ?? conversation;
        var context = current.Context;
        var facts = await factsReader.ReadAsync(conversation.MigrationId, cancellationToken) ?? throw MigrationErrors.NotFound(conversation.MigrationId);
        var history = await conversations.TurnsAsync(conversation.Id, ModelHistoryTurns, cancellationToken);
        await conversations.AppendAsync(conversation.Id, new ConversationTurn(ConversationRole.User, text, clock.GetUtcNow(), caller.User, null), cancellationToken);

        var recognized = IntentRecognizer.Recognize(text, facts.TableNames, context.LastIntent, context.LastTable, facts.Now);
        GuidanceAnswer answer;
        if (context.PendingAction is { } pendingAction && recognized.Intent == Intent.Confirm)
        {
            answer = await ExecuteAsync(conversation.MigrationId, pendingAction, caller, cancellationToken);
        }
        else if (context.PendingAction is { } dropped && recognized.Intent == Intent.Decline)
        {
            answer = new GuidanceAnswer($"All right, I did not {dropped.Description.Split(" (")[0]}. Nothing was changed.", "decline");
        }
        else
        {
            answer = await AnswerAsync(facts, text, recognized, history, context, cancellationToken);
            if (context.PendingAction is { } ignored && answer.PendingAction is null)
            {
                answer = answer with { Text = answer.Text + $" (I did not {ignored.Description.Split(" (")[0]}; ask again if you still want it.)" };
            }
        }

        var intentName = IntentRecognizer.ParseIntent(answer.Intent.Replace("_", "", StringComparison.Ordinal)) is var parsed && parsed != Intent.Unknown
            ? parsed.ToString()
            : context.LastIntent;
        var newContext = new ConversationContext(intentName, answer.SubjectTable ?? context.LastTable, answer.PendingAction);
        await conversations.SaveAsync(current with { Context = newContext }, cancellationToken);
        await conversations.AppendAsync(conversation.Id, new ConversationTurn(ConversationRole.Assistant, answer.Text, clock.GetUtcNow(), null, answer.Intent),
            cancellationToken);
        return answer;
    }

    /// <summary>The greeting of a chat: where the migration stands and what waits for the user (recorded as a turn).</summary>
    public async Task<GuidanceAnswer> GreetAsync(ConversationRecord conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var facts = await factsReader.ReadAsync(conversation.MigrationId, cancellationToken) ?? throw MigrationErrors.NotFound(conversation.MigrationId);
        var answer = await deterministic.AnswerAsync(new RecognizedIntent(Intent.Greeting), facts, cancellationToken);
        await conversations.AppendAsync(conversation.Id, new ConversationTurn(ConversationRole.Assistant, answer.Text, clock.GetUtcNow(), null, answer.Intent),
            cancellationToken);
        return answer;
    }

    /// <summary>Records an unprompted narration in the conversation.</summary>
    public Task RecordNarrationAsync(string conversationId, string text, CancellationToken cancellationToken) =>
        conversations.AppendAsync(conversationId, new ConversationTurn(ConversationRole.Narration, text, clock.GetUtcNow(), null, null), cancellationToken);

    private async Task<GuidanceAnswer> AnswerAsync(MigrationFacts facts, string text, RecognizedIntent recognized, IReadOnlyList<ConversationTurn> history,
        ConversationContext context, CancellationToken cancellationToken)
    {
        if (model.IsConfigured)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Model.Timeout);
            string note;
            try
            {
                var modelAnswer = await model.AnswerAsync(facts, text, history, context, timeout.Token);
                return modelAnswer with { Engine = GuidanceEngineKind.Model, Decisions = modelAnswer.Decisions.Count > 0 ? modelAnswer.Decisions : facts.Pending };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                note = $"The language model did not answer within {Wording.Duration(options.Value.Model.Timeout)}; this answer comes from the built-in engine.";
                LogModelTimeout(logger, facts.Migration.Id);
            }
#pragma warning disable CA1031 // the model is optional: whatever it fails with, the built-in engine answers instead
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                note = "The language model could not be reached; this answer comes from the built-in engine.";
                LogModelFailed(logger, facts.Migration.Id, ex.GetType().Name, ex.Message);
            }

            var fallback = await deterministic.AnswerAsync(recognized, facts, cancellationToken);
            return fallback with { EngineNote = note };
        }

        return await deterministic.AnswerAsync(recognized, facts, cancellationToken);
    }

    private async Task<GuidanceAnswer> ExecuteAsync(string migrationId, ProposedAction action, GuidanceCaller caller, CancellationToken cancellationToken)
    {
        var permission = await authorizer.AuthorizeAsync(caller, action.Kind, migrationId, cancellationToken);
        if (!permission.Allowed)
        {
            LogActionDenied(logger, migrationId, action.Kind, caller.User);
            var denied = $"You are not allowed to {action.Description.Split(" (")[0]}: {permission.Reason} Nothing was changed.";
            return new GuidanceAnswer(denied, "action") { Action = new ActionResult(action.Kind, false, denied, null) { Denied = true } };
        }

        try
        {
            if (action.Kind == GuidanceActionKind.Rollback)
            {
                return await RollbackAsync(migrationId, caller, cancellationToken);
            }

            var snapshot = action.Kind switch
            {
                GuidanceActionKind.Pause => await gateway.PauseAsync(migrationId, $"paused in the chat by {caller.User}", cancellationToken),
                GuidanceActionKind.Resume => await gateway.ResumeAsync(migrationId, cancellationToken),
                GuidanceActionKind.Cancel => await gateway.CancelAsync(migrationId, $"cancelled in the chat by {caller.User}", cancellationToken),
                _ => (await gateway.AnswerDecisionAsync(migrationId, action.DecisionId!, action.OptionId!, caller.User, "answered in the chat", cancellationToken)).Migration,
            };
            LogActionDone(logger, migrationId, action.Kind, caller.User);
            var done = $"Done. The migration is now {Wording.Phase(snapshot.Phase)}" +
                   (snapshot.Phase == MigrationPhase.Execution ? $" ({Wording.Number(snapshot.RowsCopied)} of {Wording.Number(snapshot.RowsTotal)} records copied so far)." : ".");
            return new GuidanceAnswer(done, "action") { Action = new ActionResult(action.Kind, true, done, snapshot) };
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            var failed = $"That did not work: {ex.Message} Nothing was changed.";
            return new GuidanceAnswer(failed, "action") { Action = new ActionResult(action.Kind, false, failed, null) };
        }
    }

    /// <summary>The confirmed rollback: the orchestrator removes what the migration wrote, verified against the state before it.</summary>
    private async Task<GuidanceAnswer> RollbackAsync(string migrationId, GuidanceCaller caller, CancellationToken cancellationToken)
    {
        var result = await gateway.RollbackAsync(migrationId, caller.User, $"rolled back in the chat by {caller.User}", cancellationToken);
        var snapshot = await gateway.GetAsync(migrationId, cancellationToken);
        if (!result.Verified)
        {
            LogRollbackRefused(logger, migrationId, caller.User);
            var refused = "The new database could not be safely returned to the previous state, so nothing was removed: its tables do not match their state " +
                          $"before the migration ({result.Summary}). The migration is {Wording.Phase(snapshot?.Phase ?? MigrationPhase.Failed)}; an administrator can restore the backup taken before the first write.";
            return new GuidanceAnswer(refused, "action") { Action = new ActionResult(GuidanceActionKind.Rollback, false, refused, snapshot) };
        }

        LogActionDone(logger, migrationId, GuidanceActionKind.Rollback, caller.User);
        var dropped = result.Tables.Count(t => t.Action == "dropped");
        var done = $"Done: the new database is safely back to its state before the migration. Removed {Wording.Number(result.RowsRemoved)} records from " +
                   $"{Wording.Number(result.Tables.Count)} table(s)" + (dropped > 0 ? $" ({dropped} table(s) the migration had created are gone)" : "") +
                   $", {Wording.Number(result.MappingsRemoved)} id mappings and {Wording.Number(result.CheckpointsRemoved)} saved points; every table has the record count " +
                   "and content fingerprint it had before. Your source database was not touched. " +
                   $"The migration is now {Wording.Phase(snapshot?.Phase ?? MigrationPhase.RolledBack)}.";
        return new GuidanceAnswer(done, "action")
        {
            Action = new ActionResult(GuidanceActionKind.Rollback, true, done, snapshot),
            Figures = [new GuidanceFigure("records removed", Wording.Number(result.RowsRemoved), result.RowsRemoved, "rows")],
            Sources = ["the rollback's check against the state before the migration"],
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] chat rollback for {User} refused by its check: nothing was changed")]
    private static partial void LogRollbackRefused(ILogger logger, string migrationId, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] the guidance model timed out; answered with the deterministic engine")]
    private static partial void LogModelTimeout(ILogger logger, string migrationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] the guidance model failed ({Error}: {Message}); answered with the deterministic engine")]
    private static partial void LogModelFailed(ILogger logger, string migrationId, string error, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] chat action {Action} carried out for {User}")]
    private static partial void LogActionDone(ILogger logger, string migrationId, GuidanceActionKind action, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[{MigrationId}] chat action {Action} denied for {User}")]
    private static partial void LogActionDenied(ILogger logger, string migrationId, GuidanceActionKind action, string user);
}
