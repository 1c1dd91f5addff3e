using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Migration.Cli;
using Migration.Contracts.V1;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>A server on https:// with a self-signed certificate made here (PEM certificate and key files).</summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "migration-tls-tests", Guid.NewGuid().ToString("N"));
    private InProcessServer? _server;
    private X509Certificate2? _certificate;

    public string Address { get; private set; } = "";

    public X509Certificate2 Certificate => _certificate ?? throw new InvalidOperationException("not started");

    public string CertificatePath => Path.Combine(_directory, "server.crt");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(CertificatePath, _certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_directory, "server.key"), key.ExportPkcs8PrivateKeyPem());

        var port = FreePort.Next();
        Address = $"https://127.0.0.1:{port}";
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Urls"] = Address,
            ["Kestrel:Certificates:Default:Path"] = CertificatePath,
            ["Kestrel:Certificates:Default:KeyPath"] = Path.Combine(_directory, "server.key"),
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _certificate?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>TLS on the gRPC endpoint from configuration (Kestrel's default certificate), tested with a self-signed certificate.</summary>
public sealed class TlsTests(TlsServerFixture fixture) : IClassFixture<TlsServerFixture>
{
    [Fact]
    public async Task Call_ClientTrustingTheCertificate_Succeeds()
    {
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString() == fixture.Certificate.GetCertHashString(),
            },
        };
        using var channel = GrpcChannel.ForAddress(fixture.Address, new GrpcChannelOptions { HttpHandler = handler });

        var response = await new MigrationService.MigrationServiceClient(channel).ListMigrationsAsync(new ListMigrationsRequest());

        Assert.NotNull(response);
    }

    [Fact]
    public async Task Call_ClientWithSystemTrustOnly_RefusesTheCertificate()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MigrationService.MigrationServiceClient(channel).ListMigrationsAsync(new ListMigrationsRequest()).ResponseAsync);

        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Contains("SSL", error.Status.DebugException?.ToString() ?? error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_CaCertOption_TrustsTheSelfSignedServer()
    {
        var trusted = await RunCliAsync("list", "--server", fixture.Address, "--ca-cert", fixture.CertificatePath);
        var untrusted = await RunCliAsync("list", "--server", fixture.Address);

        Assert.True(trusted.Exit == 0, trusted.Stderr);
        Assert.Equal(ExitCodes.ServerUnreachable, untrusted.Exit);
        Assert.Contains("TLS", untrusted.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttp_OnTheTlsPort_Fails()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Address.Replace("https://", "http://", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new MigrationService.MigrationServiceClient(channel).ListMigrationsAsync(new ListMigrationsRequest()).ResponseAsync);

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
    }

    private static async Task<(int Exit, string Stderr)> RunCliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, new CliEnvironment(stdout, stderr, TextReader.Null) { GetEnvironmentVariable = _ => null }, CancellationToken.None);
        return (exit, stderr.ToString());
    }
}
