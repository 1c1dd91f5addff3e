using Grpc.Core.Interceptors;
using Migration.Contracts.V1;
using Migration.Server.Security;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Guidance.Tests.Infrastructure;

/// <summary>
/// A server with authentication on (development mode off) and one API key per caller: "admin", "operator+approver"
/// (every role but admin) and "viewer". The chat's actions are checked against these roles by the server's own
/// authorizer, and audited in each migration's target.
/// </summary>
public sealed class SecuredGuidanceServer : IAsyncLifetime
{
    private InProcessServer? _server;

    public PostgresServer Postgres { get; } = new();

    /// <summary>API keys by caller.</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal)
    {
        ["admin"] = ApiKeyHash.NewKey(),
        ["operator+approver"] = ApiKeyHash.NewKey(),
        ["viewer"] = ApiKeyHash.NewKey(),
    };

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The name the server records for a key's caller ("api-key:" + its configuration name).</summary>
    public static string Actor(string caller) => "api-key:" + caller.Replace('+', '-');

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        var settings = new Dictionary<string, string?> { ["Security:DevelopmentMode"] = "false" };
        foreach (var (name, key) in Keys)
        {
            var configName = name.Replace('+', '-');
            settings[$"Security:ApiKeys:{configName}:Hash"] = ApiKeyHash.Compute(key);
            settings[$"Security:ApiKeys:{configName}:Roles"] = name.Replace('+', ',');
        }

        _server = await InProcessServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await Postgres.DisposeAsync();
    }

    public MigrationService.MigrationServiceClient Migrations(string caller) => new(Invoker(caller));

    public GuidanceService.GuidanceServiceClient Guidance(string caller) => new(Invoker(caller));

    public OperationsService.OperationsServiceClient Operations(string caller) => new(Invoker(caller));

    private Grpc.Core.CallInvoker Invoker(string caller) =>
        Server.Channel.Intercept(metadata =>
        {
            metadata.Add("x-api-key", Keys[caller]);
            return metadata;
        });
}
