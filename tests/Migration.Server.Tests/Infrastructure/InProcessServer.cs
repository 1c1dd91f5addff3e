using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Migration.Contracts.V1;
using Migration.Server.Hosting;
using Migration.Testing;

namespace Migration.Server.Tests.Infrastructure;

/// <summary>
/// The real server (same composition as Program.cs: Kestrel h2c, Orleans, the store, the agents) hosted in the test
/// process on a free loopback port, reached through a real gRPC channel.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private InProcessServer(WebApplication app, string address, string dataDirectory, LogCapture logs)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Address = address;
        Logs = logs;
        Channel = GrpcChannel.ForAddress(address);
        Client = new MigrationService.MigrationServiceClient(Channel);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public MigrationService.MigrationServiceClient Client { get; }

    public LogCapture Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration on top of the defaults (e.g. Connections:name).</param>
    /// <param name="services">Registrations after the server's own (e.g. an in-memory telemetry exporter).</param>
    public static async Task<InProcessServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "migration-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var ports = FreePort.Many(3);
        var port = ports[0];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Testing" });
        var values = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            ["Redis:Embedded:DataDirectory"] = Path.Combine(dataDirectory, "garnet"),
            ["Orleans:SiloPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Loopback without credentials unless a test configures keys or tokens (and sets this to false).
            ["Security:DevelopmentMode"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        builder.AddMigrationServer();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapMigrationServer();
        await app.StartAsync();
        return new InProcessServer(app, $"http://127.0.0.1:{port}", dataDirectory, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner; nothing depends on it.
        }
    }
}
