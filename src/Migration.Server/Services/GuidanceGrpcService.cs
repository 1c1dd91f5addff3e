using System.Security.Claims;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Migration.Contracts.V1;
using Migration.Core.Abstractions;
using Migration.Core.Migrations;
using Migration.Guidance;
using Migration.Guidance.Abstractions;
using Migration.Guidance.Answers;
using Migration.Guidance.Conversations;
using Migration.Guidance.Narration;
using Migration.Server.Audit;
using Migration.Server.Errors;
using Migration.Server.Mapping;
using Migration.Server.Security;
using Domain = Migration.Core.Agents;

namespace Migration.Server.Services;

/// <summary>
/// The public GuidanceService: questions and chats about a migration, answered by the User Guidance agent from live
/// state; decisions listed and answered through the orchestrator; conversations and decision history from the store.
/// </summary>
public sealed partial class GuidanceGrpcService(
    GuidanceAssistant assistant,
    IMigrationGateway gateway,
    IMigrationEventLog events,
    IDecisionHistory history,
    IConversationStore conversations,
    IGuidanceAuthorizer authorizer,
    IAuditTrail audit,
    ILogger<GuidanceGrpcService> logger) : GuidanceService.GuidanceServiceBase
{
    private static readonly TimeSpan NarrationWait = TimeSpan.FromSeconds(5);
    private const int NarrationPage = 500;

    // Actions asked for in the chat are checked again, per action, by the IGuidanceAuthorizer.
    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<AskResponse> Ask(AskRequest request, ServerCallContext context)
    {
        RequireMigrationId(request.MigrationId);
        ValidateText(request.Text, "text");
        var exchange = await assistant.AskAsync(request.MigrationId, NullIfEmpty(request.ConversationId), request.Text,
            Caller(context, request.User), context.CancellationToken);
        await AuditActionAsync(context, request.MigrationId, exchange.Answer);
        return new AskResponse { ConversationId = exchange.ConversationId, Reply = ToProto(exchange.Answer, request.MigrationId) };
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task Converse(IAsyncStreamReader<ConverseRequest> requestStream, IServerStreamWriter<ConverseResponse> responseStream,
        ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requestStream.MoveNext(cancellationToken))
        {
            return;
        }

        if (requestStream.Current.KindCase != ConverseRequest.KindOneofCase.Open)
        {
            throw RpcErrors.InvalidArgument("The first message of a conversation must be 'open' (migration_id, optional conversation_id).",
                ("open", "must be the first message"));
        }

        var open = requestStream.Current.Open;
        RequireMigrationId(open.MigrationId);
        if (open.AfterSequence < 0)
        {
            throw RpcErrors.InvalidArgument("after_sequence must not be negative.", ("open.after_sequence", "must be >= 0"));
        }

        var caller = Caller(context, open.User);
        var conversation = await OpenAsync(open.MigrationId, NullIfEmpty(open.ConversationId), cancellationToken);
        var writer = new SerializedWriter(responseStream);
        var greeting = await assistant.GreetAsync(conversation, cancellationToken);
        await writer.WriteAsync(new ConverseResponse
        {
            ConversationId = conversation.Id,
            OccurredAt = Now(),
            Opened = new ConverseOpened { ConversationId = conversation.Id, MigrationId = conversation.MigrationId, Greeting = ToProto(greeting, conversation.MigrationId) },
        }, cancellationToken);
        LogConversationOpened(logger, conversation.MigrationId, conversation.Id, caller.User);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sentDecisions = new HashSet<string>(greeting.Decisions.Select(d => d.Request.Id), StringComparer.Ordinal);
        var narration = open.Quiet
            ? Task.CompletedTask
            : NarrateAsync(conversation, open.AfterSequence, writer, sentDecisions, stop.Token);
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                var message = requestStream.Current;
                GuidanceAnswer answer;
                if (message.KindCase != ConverseRequest.KindOneofCase.Text)
                {
                    answer = new GuidanceAnswer("This conversation is already open; send your question as text.", "invalid");
                }
                else if (Problem(message.Text) is { } problem)
                {
                    answer = new GuidanceAnswer(problem + " Nothing was changed.", "invalid");
                }
                else
                {
                    answer = await assistant.AnswerInConversationAsync(conversation, message.Text, caller, cancellationToken);
                    await AuditActionAsync(context, conversation.MigrationId, answer);
                }

                foreach (var decision in answer.Decisions)
                {
                    sentDecisions.Add(decision.Request.Id);
                }

                await writer.WriteAsync(new ConverseResponse { ConversationId = conversation.Id, OccurredAt = Now(), Reply = ToProto(answer, conversation.MigrationId) },
                    cancellationToken);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await narration;
            }
            catch (OperationCanceledException)
            {
                // The client closed its side: narration ends with the call.
            }
        }
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<ListDecisionsResponse> ListDecisions(ListDecisionsRequest request, ServerCallContext context)
    {
        await ExistingAsync(request.MigrationId, context.CancellationToken);
        var response = new ListDecisionsResponse();
        response.Decisions.AddRange((await gateway.GetPendingDecisionsAsync(request.MigrationId, context.CancellationToken))
            .Select(d => ToProto(d, request.MigrationId)));
        return response;
    }

    [Authorize(Policy = MigrationPolicies.Approve)]
    public override async Task<AnswerDecisionResponse> AnswerDecision(AnswerDecisionRequest request, ServerCallContext context)
    {
        var missing = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(request.DecisionId))
        {
            missing.Add(("decision_id", "must not be empty"));
        }

        if (string.IsNullOrWhiteSpace(request.OptionId))
        {
            missing.Add(("option_id", "must not be empty"));
        }

        if (missing.Count > 0)
        {
            throw RpcErrors.InvalidArgument("A decision is answered with its id and one of its option ids.", [.. missing]);
        }

        await ExistingAsync(request.MigrationId, context.CancellationToken);
        var caller = Caller(context, request.AnsweredBy);
        var permission = await authorizer.AuthorizeAsync(caller, GuidanceActionKind.AnswerDecision, request.MigrationId, context.CancellationToken);
        if (!permission.Allowed)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{caller.User} may not answer decisions: {permission.Reason}"));
        }

        Domain.DecisionAnswer answer;
        try
        {
            answer = await gateway.AnswerDecisionAsync(request.MigrationId, request.DecisionId, request.OptionId, caller.User, NullIfEmpty(request.Reason),
                context.CancellationToken);
        }
        catch (ArgumentException ex) when (ex.ParamName == "optionId")
        {
            throw RpcErrors.InvalidArgument(ex.Message.Split(" (Parameter")[0], ("option_id", "is not an option of this decision"));
        }

        LogDecisionAnswered(logger, request.MigrationId, request.DecisionId, request.OptionId, caller.User);
        return new AnswerDecisionResponse { Record = ToProto(answer.Record), Migration = answer.Migration.ToProto() };
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetDecisionHistoryResponse> GetDecisionHistory(GetDecisionHistoryRequest request, ServerCallContext context)
    {
        await ExistingAsync(request.MigrationId, context.CancellationToken);
        var response = new GetDecisionHistoryResponse();
        response.Decisions.AddRange((await history.ListAsync(request.MigrationId, context.CancellationToken)).Select(ToProto));
        return response;
    }

    [Authorize(Policy = MigrationPolicies.View)]
    public override async Task<GetConversationResponse> GetConversation(GetConversationRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.ConversationId))
        {
            throw RpcErrors.InvalidArgument("conversation_id is required.", ("conversation_id", "must not be empty"));
        }

        var conversation = await conversations.GetAsync(request.ConversationId, context.CancellationToken)
            ?? throw RpcErrors.NotFound($"No conversation with id '{request.ConversationId}'.");
        var response = new GetConversationResponse
        {
            ConversationId = conversation.Id,
            MigrationId = conversation.MigrationId,
            CreatedAt = Timestamp.FromDateTimeOffset(conversation.CreatedAt),
        };
        response.Turns.AddRange((await conversations.TurnsAsync(conversation.Id, null, context.CancellationToken)).Select(t => new Contracts.V1.ConversationTurn
        {
            Role = t.Role switch
            {
                Guidance.Conversations.ConversationRole.User => Contracts.V1.ConversationRole.User,
                Guidance.Conversations.ConversationRole.Assistant => Contracts.V1.ConversationRole.Assistant,
                _ => Contracts.V1.ConversationRole.Narration,
            },
            Text = t.Text,
            At = Timestamp.FromDateTimeOffset(t.At),
            User = t.User ?? "",
            Intent = t.Intent ?? "",
        }));
        return response;
    }

    /// <summary>Narrates the migration's events into the chat and presents decisions as they are raised.</summary>
    private async Task NarrateAsync(ConversationRecord conversation, long afterSequence, SerializedWriter writer, HashSet<string> sentDecisions,
        CancellationToken cancellationToken)
    {
        var migrationId = conversation.MigrationId;
        var cursor = afterSequence > 0 ? afterSequence : await events.LastSequenceAsync(migrationId, cancellationToken);
        var narrator = new Narrator();
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await events.ReadAsync(migrationId, cursor, NarrationPage, cancellationToken);
            foreach (var migrationEvent in page)
            {
                cursor = migrationEvent.Sequence;
                if (narrator.Narrate(migrationEvent) is not { } item)
                {
                    continue;
                }

                await assistant.RecordNarrationAsync(conversation.Id, item.Text, cancellationToken);
                await writer.WriteAsync(new ConverseResponse { ConversationId = conversation.Id, OccurredAt = Timestamp.FromDateTimeOffset(migrationEvent.OccurredAt), Narration = ToProto(item) },
                    cancellationToken);
                if (migrationEvent.Payload is Core.Events.PhaseChangedPayload)
                {
                    foreach (var decision in await gateway.GetPendingDecisionsAsync(migrationId, cancellationToken))
                    {
                        lock (sentDecisions)
                        {
                            if (!sentDecisions.Add(decision.Request.Id))
                            {
                                continue;
                            }
                        }

                        await writer.WriteAsync(new ConverseResponse { ConversationId = conversation.Id, OccurredAt = Now(), DecisionRequest = ToProto(decision, migrationId) },
                            cancellationToken);
                    }
                }
            }

            if (page.Count == NarrationPage)
            {
                continue;
            }

            await events.WaitForEventsAsync(migrationId, cursor, NarrationWait, cancellationToken);
        }
    }

    private async Task<ConversationRecord> OpenAsync(string migrationId, string? conversationId, CancellationToken cancellationToken)
    {
        try
        {
            return await assistant.OpenAsync(migrationId, conversationId, cancellationToken);
        }
        catch (ArgumentException ex) when (ex.ParamName == "conversationId")
        {
            throw RpcErrors.InvalidArgument(ex.Message.Split(" (Parameter")[0], ("conversation_id", "belongs to another migration"));
        }
    }

    private async Task ExistingAsync(string migrationId, CancellationToken cancellationToken)
    {
        RequireMigrationId(migrationId);
        if (await gateway.GetAsync(migrationId, cancellationToken) is null)
        {
            throw RpcErrors.NotFound($"No migration with id '{migrationId}'.");
        }
    }

    private static void RequireMigrationId(string migrationId)
    {
        if (string.IsNullOrWhiteSpace(migrationId))
        {
            throw RpcErrors.InvalidArgument("migration_id is required.", ("migration_id", "must not be empty"));
        }
    }

    private void ValidateText(string text, string field)
    {
        if (Problem(text) is { } problem)
        {
            throw RpcErrors.InvalidArgument(problem, (field, string.IsNullOrWhiteSpace(text) ? "must not be empty" : "is too long"));
        }
    }

    private string? Problem(string text)
    {
        try
        {
            assistant.ValidateMessage(text);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message.Split(" (Parameter")[0];
        }
    }

    /// <summary>Who is talking (<see cref="CallerIdentity"/>) and the roles of the identity.</summary>
    private static GuidanceCaller Caller(ServerCallContext context, string claimed) =>
        new(CallerIdentity.Name(context, claimed), [.. context.GetHttpContext().User.FindAll(ClaimTypes.Role).Select(c => c.Value)]);

    /// <summary>
    /// A chat-initiated action is a state-changing call like the RPC that does the same: it is audited as
    /// <c>chat:{Kind}</c> with its outcome (OK, PermissionDenied when the roles did not allow it, FailedPrecondition
    /// when the migration could not do it).
    /// </summary>
    private Task AuditActionAsync(ServerCallContext context, string migrationId, GuidanceAnswer answer)
    {
        if (answer.Action is not { } action)
        {
            return Task.CompletedTask;
        }

        var outcome = action.Succeeded ? AuditRecords.Ok
            : action.Denied ? nameof(StatusCode.PermissionDenied)
            : nameof(StatusCode.FailedPrecondition);
        return audit.RecordAsync(AuditRecords.For(context.GetHttpContext(), $"chat:{action.Kind}", migrationId, outcome, action.Message),
            context.CancellationToken);
    }

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Timestamp Now() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);

    private static GuidanceReply ToProto(GuidanceAnswer answer, string migrationId)
    {
        var reply = new GuidanceReply
        {
            Text = answer.Text,
            Intent = answer.Intent,
            Engine = answer.Engine == GuidanceEngineKind.Model ? GuidanceEngine.Model : GuidanceEngine.Deterministic,
            EngineNote = answer.EngineNote ?? "",
        };
        reply.Figures.AddRange(answer.Figures.Select(ToProto));
        reply.Suggestions.AddRange(answer.Suggestions);
        reply.Sources.AddRange(answer.Sources);
        reply.Decisions.AddRange(answer.Decisions.Select(d => ToProto(d, migrationId)));
        if (answer.Table is { } table)
        {
            var proto = new GuidanceTable();
            proto.Columns.AddRange(table.Columns);
            proto.Rows.AddRange(table.Rows.Select(r =>
            {
                var row = new GuidanceTableRow();
                row.Cells.AddRange(r);
                return row;
            }));
            reply.Table = proto;
        }

        if (answer.PendingAction is { } pending)
        {
            reply.PendingAction = new PendingAction
            {
                Action = ToProto(pending.Kind),
                Description = pending.Description,
                DecisionId = pending.DecisionId ?? "",
                OptionId = pending.OptionId ?? "",
            };
        }

        if (answer.Action is { } action)
        {
            reply.Action = new ActionOutcome { Action = ToProto(action.Kind), Succeeded = action.Succeeded, Message = action.Message };
            if (action.Migration is not null)
            {
                reply.Action.Migration = action.Migration.ToProto();
            }
        }

        return reply;
    }

    private static GuidanceAction ToProto(GuidanceActionKind kind) => kind switch
    {
        GuidanceActionKind.Pause => GuidanceAction.Pause,
        GuidanceActionKind.Resume => GuidanceAction.Resume,
        GuidanceActionKind.ApprovePlan => GuidanceAction.ApprovePlan,
        GuidanceActionKind.Cancel => GuidanceAction.Cancel,
        GuidanceActionKind.Rollback => GuidanceAction.Rollback,
        _ => GuidanceAction.AnswerDecision,
    };

    private static Contracts.V1.GuidanceFigure ToProto(Guidance.Answers.GuidanceFigure figure) =>
        new() { Label = figure.Label, Display = figure.Display, Value = figure.Value, Unit = figure.Unit };

    private static Contracts.V1.Narration ToProto(NarrationItem item)
    {
        var narration = new Contracts.V1.Narration
        {
            Kind = item.Kind switch
            {
                Guidance.Narration.NarrationKind.PhaseChanged => Contracts.V1.NarrationKind.PhaseChanged,
                Guidance.Narration.NarrationKind.Milestone => Contracts.V1.NarrationKind.Milestone,
                Guidance.Narration.NarrationKind.TableCompleted => Contracts.V1.NarrationKind.TableCompleted,
                Guidance.Narration.NarrationKind.Slowdown => Contracts.V1.NarrationKind.Slowdown,
                Guidance.Narration.NarrationKind.Warning => Contracts.V1.NarrationKind.Warning,
                Guidance.Narration.NarrationKind.Error => Contracts.V1.NarrationKind.Error,
                _ => Contracts.V1.NarrationKind.Validation,
            },
            Text = item.Text,
            EventSequence = item.Sequence,
        };
        narration.Figures.AddRange(item.Figures.Select(ToProto));
        return narration;
    }

    private static DecisionCard ToProto(Domain.PendingDecision decision, string migrationId)
    {
        var card = new DecisionCard
        {
            MigrationId = migrationId,
            Decision = decision.Request.ToProto(),
            Gate = decision.Gate switch
            {
                Domain.DecisionGate.PlanApproval => DecisionGate.PlanApproval,
                Domain.DecisionGate.ForeignKeys => DecisionGate.ForeignKeys,
                Domain.DecisionGate.SchemaMismatch => DecisionGate.SchemaMismatch,
                Domain.DecisionGate.MigrationError => DecisionGate.MigrationError,
                Domain.DecisionGate.MissingParents => DecisionGate.MissingParents,
                _ => DecisionGate.Orphans,
            },
            RaisedAt = Timestamp.FromDateTimeOffset(decision.RaisedAt),
        };
        if (decision.OverdueAt is { } overdue)
        {
            card.OverdueAt = Timestamp.FromDateTimeOffset(overdue);
        }

        if (decision.Error is { } error)
        {
            card.Error = error.ToProto();
        }

        return card;
    }

    private static DecisionHistoryEntry ToProto(Domain.DecisionRecord record)
    {
        var entry = new DecisionHistoryEntry
        {
            Id = record.Id,
            Question = record.Question,
            Risk = record.Risk,
            Recommendation = record.Recommendation,
            Answer = record.Answer,
            DecidedBy = record.DecidedBy,
            DecidedAt = Timestamp.FromDateTimeOffset(record.DecidedAt),
            Reason = record.Reason,
        };
        entry.Options.AddRange(record.Options);
        return entry;
    }

    /// <summary>Replies and narration are written from two loops; a gRPC stream takes one write at a time.</summary>
    private sealed class SerializedWriter(IServerStreamWriter<ConverseResponse> stream)
    {
        private readonly SemaphoreSlim _lock = new(1, 1);

        public async Task WriteAsync(ConverseResponse response, CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                await stream.WriteAsync(response, cancellationToken);
            }
            finally
            {
                _lock.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] conversation {ConversationId} opened by {User}")]
    private static partial void LogConversationOpened(ILogger logger, string migrationId, string conversationId, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "[{MigrationId}] decision {DecisionId} answered with {OptionId} by {User}")]
    private static partial void LogDecisionAnswered(ILogger logger, string migrationId, string decisionId, string optionId, string user);
}
