using Migration.Server.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace Migration.Server.Tests.Observability;

/// <summary>
/// A server of its own whose tracing pipeline (the one the server configures: its sources, Npgsql, ASP.NET Core,
/// Orleans) also exports to memory, and whose error budget is 0, so the first row the target refuses stops the table
/// with an error instead of being set aside.
/// </summary>
public sealed class TelemetryServerFixture : IAsyncLifetime
{
    private InProcessServer? _server;

    public SpanCollection Spans { get; } = new();

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() =>
        _server = await InProcessServer.StartAsync(
            new Dictionary<string, string?> { ["Migration:ErrorBudget:MaxQuarantinedRows"] = "0" },
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans)));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
