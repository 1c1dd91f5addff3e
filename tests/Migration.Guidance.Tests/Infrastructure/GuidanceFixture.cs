using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>
/// Real PostgreSQL, real Redis and one in-process server on that Redis, plus one migration run to completion (the shop),
/// so the questions are answered from real state. Decisions time out after 2 s here so the overdue report is visible.
/// </summary>
public sealed class GuidanceFixture : IAsyncLifetime
{
    private InProcessServer? _server;

    public PostgresServer Postgres { get; } = new();

    public RedisServer Redis { get; } = new();

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>How long a conversation is kept without a new turn (configured, not the default).</summary>
    public static readonly TimeSpan ConversationTtl = TimeSpan.FromDays(3);

    public string KeyPrefix { get; } = RedisServer.NewKeyPrefix("guidance");

    public string ServiceId { get; } = $"guidance-{Guid.NewGuid():N}";

    public string ShopSource { get; private set; } = "";

    /// <summary>The completed migration of the shop.</summary>
    public string CompletedId { get; private set; } = "";

    public MigrationService.MigrationServiceClient Migrations => Server.Client;

    public GuidanceService.GuidanceServiceClient Guidance { get; private set; } = null!;

    /// <summary>The one pending missing-parents decision of migration <paramref name="id"/>.</summary>
    public async Task<DecisionCard> MissingParentsDecisionAsync(string id) =>
        Assert.Single((await Guidance.ListDecisionsAsync(new ListDecisionsRequest { MigrationId = id })).Decisions,
            d => d.Gate == DecisionGate.MissingParents);

    /// <summary>Answers a decision by RPC, as the data owner "heidi".</summary>
    public Task<AnswerDecisionResponse> AnswerAsync(string id, string decisionId, string option) =>
        Guidance.AnswerDecisionAsync(new AnswerDecisionRequest
        {
            MigrationId = id, DecisionId = decisionId, OptionId = option, AnsweredBy = "heidi", Reason = "test",
        }).ResponseAsync;

    /// <summary>Approves the plan and starts the migration as "heidi", watches it to its end and returns it.</summary>
    public async Task<Contracts.V1.Migration> ApproveAndRunAsync(string id)
    {
        await Migrations.ApprovePlanAsync(new ApprovePlanRequest { MigrationId = id, ApprovedBy = "heidi" });
        await Migrations.StartMigrationAsync(new StartMigrationRequest { MigrationId = id, StartedBy = "heidi" });
        await Runs.WatchToEndAsync(Migrations, id);
        return (await Migrations.GetMigrationAsync(new GetMigrationRequest { MigrationId = id })).Migration;
    }

    public Dictionary<string, string?> Settings() => new()
    {
        ["Redis:ConnectionString"] = Redis.ConnectionString,
        ["Redis:KeyPrefix"] = KeyPrefix,
        ["Orleans:ServiceId"] = ServiceId,
        ["Orleans:ClusterId"] = ServiceId,
        ["Orleans:AdvertisedIPAddress"] = "127.0.0.1",
        ["Guidance:DecisionTimeout"] = "00:00:02",
        ["Guidance:ConversationTtl"] = ConversationTtl.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        await Redis.InitializeAsync();
        _server = await InProcessServer.StartAsync(Settings());
        Guidance = new GuidanceService.GuidanceServiceClient(Server.Channel);
        ShopSource = await SourceDatabase.CreateAsync(Postgres, "guidance_shop", SourceDatabase.ShopSql);
        var target = await Postgres.CreateDatabaseAsync("guidance_shop_target");
        CompletedId = await Runs.RunToEndAsync(Migrations, ShopSource, target);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
