using Grpc.Net.Client;
using Migration.Contracts.V1;

namespace Migration.Cli;

/// <summary>
/// Creates the gRPC channel and client for the server address: plain HTTP/2 (h2c) for http://, TLS for https://.
/// The connect timeout is short so an unreachable server is reported quickly; keep-alive pings notice a server that
/// vanished while a watch stream is idle.
/// </summary>
internal sealed class MigrationClientFactory(Uri server, HttpMessageHandler? handler = null) : IDisposable
{
    private GrpcChannel? _channel;

    public Uri Server { get; } = server;

    /// <summary>Parses and checks a server address: absolute http:// or https://.</summary>
    public static Uri ParseServer(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw CliException.Usage($"--server must be an http:// or https:// address, got '{value}'");
        }

        return uri;
    }

    public MigrationService.MigrationServiceClient CreateClient()
    {
        _channel ??= GrpcChannel.ForAddress(Server, new GrpcChannelOptions
        {
            HttpHandler = handler ?? new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = handler is null,
            ThrowOperationCanceledOnCancellation = false,
        });
        return new MigrationService.MigrationServiceClient(_channel);
    }

    public void Dispose() => _channel?.Dispose();
}
