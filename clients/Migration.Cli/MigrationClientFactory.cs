using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Migration.Contracts.V1;

namespace Migration.Cli;

/// <summary>
/// Creates the gRPC channel and client for the server address: plain HTTP/2 (h2c) for http://, TLS for https://.
/// The connect timeout is short so an unreachable server is reported quickly; keep-alive pings notice a server that
/// vanished while a watch stream is idle. Credentials (API key or bearer token) go in the headers of every call; a
/// configured CA certificate is the only root trusted for the server's TLS certificate.
/// </summary>
internal sealed class MigrationClientFactory(Uri server, HttpMessageHandler? handler = null, ClientCredentials? credentials = null) : IDisposable
{
    private GrpcChannel? _channel;
    private CallInvoker? _invoker;

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

    public MigrationService.MigrationServiceClient CreateClient() => new(CreateInvoker());

    /// <summary>The channel's invoker with the credentials attached: for clients of other services on the same server.</summary>
    public CallInvoker CreateInvoker()
    {
        if (_invoker is not null)
        {
            return _invoker;
        }

        _channel ??= GrpcChannel.ForAddress(Server, new GrpcChannelOptions
        {
            HttpHandler = handler ?? CreateHandler(),
            DisposeHttpClient = handler is null,
            ThrowOperationCanceledOnCancellation = false,
        });
        var headers = (credentials ?? ClientCredentials.None).Headers().ToList();
        _invoker = headers.Count == 0
            ? _channel.CreateCallInvoker()
            : _channel.Intercept(metadata =>
            {
                foreach (var (name, value) in headers)
                {
                    metadata.Add(name, value);
                }

                return metadata;
            });
        return _invoker;
    }

    private SocketsHttpHandler CreateHandler()
    {
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        };
        if ((credentials ?? ClientCredentials.None).LoadCaCertificates() is { } roots)
        {
            sockets.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(roots, certificate, errors),
            };
        }

        return sockets;
    }

    /// <summary>The server certificate chains to one of <paramref name="roots"/> and names the host (or the system store already trusts it).</summary>
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 typed)
        {
            return chain.Build(typed);
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose() => _channel?.Dispose();
}
