using Migration.Contracts.V1;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>A conversation through the Ask RPC: keeps the conversation id between questions.</summary>
public sealed class Chat(GuidanceService.GuidanceServiceClient client, string migrationId, string user = "tester")
{
    public string? ConversationId { get; private set; }

    public async Task<GuidanceReply> AskAsync(string text)
    {
        var response = await client.AskAsync(new AskRequest { MigrationId = migrationId, ConversationId = ConversationId ?? "", Text = text, User = user });
        ConversationId = response.ConversationId;
        return response.Reply;
    }
}
