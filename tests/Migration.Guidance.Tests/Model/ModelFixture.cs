using Migration.Contracts.V1;
using Migration.Guidance.Tests.Infrastructure;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Model;

/// <summary>A server whose guidance model is the scripted local chat-completions server, with a completed shop migration.</summary>
public sealed class ModelFixture : IAsyncLifetime
{
    public const string ApiKey = "sk-test-guidance-secret-4711";
    private InProcessServer? _server;
    private FakeChatCompletionServer? _model;

    public PostgresServer Postgres { get; } = new();

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public FakeChatCompletionServer Model => _model ?? throw new InvalidOperationException("The model server has not started.");

    public GuidanceService.GuidanceServiceClient Guidance { get; private set; } = null!;

    public string ShopSource { get; private set; } = "";

    public string CompletedId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        _model = await FakeChatCompletionServer.StartAsync();
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Guidance:Model:Endpoint"] = Model.Endpoint.ToString(),
            ["Guidance:Model:Name"] = "scripted-model",
            ["Guidance:Model:ApiKey"] = ApiKey,
            ["Guidance:Model:Timeout"] = "00:00:08",
        });
        Guidance = new GuidanceService.GuidanceServiceClient(Server.Channel);
        ShopSource = await SourceDatabase.CreateAsync(Postgres, "guidance_model_shop", SourceDatabase.ShopSql);
        CompletedId = await Runs.RunToEndAsync(Server.Client, ShopSource, await Postgres.CreateDatabaseAsync("guidance_model_target"));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }
}
