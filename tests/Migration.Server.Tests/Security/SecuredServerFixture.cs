using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Migration.Contracts.V1;
using Migration.Server.Security;
using Migration.Server.Tests.Infrastructure;
using Migration.Testing;

namespace Migration.Server.Tests.Security;

/// <summary>
/// A server with authentication on (development mode off): one API key per role, an operator+approver key, JWT bearer
/// tokens signed with a key made here, and a database for the audit records that name no migration.
/// </summary>
public sealed class SecuredServerFixture : IAsyncLifetime
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "migration-grpc";

    private readonly PostgresServer _postgres = new();
    private InProcessServer? _server;

    public SecuredServerFixture()
    {
        foreach (var role in MigrationRoles.All)
        {
            Keys[role] = ApiKeyHash.NewKey();
        }

        Keys["operator+approver"] = ApiKeyHash.NewKey();
        SigningKey = RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>API keys by role ("viewer", "operator", "approver", "admin", "operator+approver").</summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>A low per-caller stream limit, so the limit itself can be tested.</summary>
    public const int StreamsPerCaller = 8;

    public byte[] SigningKey { get; }

    public PostgresServer Postgres => _postgres;

    public string AuditDatabase { get; private set; } = "";

    public InProcessServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        AuditDatabase = await _postgres.CreateDatabaseAsync("sec_audit");
        var settings = new Dictionary<string, string?>
        {
            ["Security:DevelopmentMode"] = "false",
            ["Security:Jwt:SigningKey"] = Convert.ToBase64String(SigningKey),
            ["Security:Jwt:Issuer"] = Issuer,
            ["Security:Jwt:Audience"] = Audience,
            ["Connections:audit"] = AuditDatabase,
            ["Audit:Connection"] = "audit",
            ["Security:MaxOpenStreamsPerCaller"] = StreamsPerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
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

        await _postgres.DisposeAsync();
    }

    public MigrationService.MigrationServiceClient ClientWithKey(string role) => Client(new Metadata { { "x-api-key", Keys[role] } });

    public MigrationService.MigrationServiceClient ClientWithToken(string token) => Client(new Metadata { { "authorization", "Bearer " + token } });

    public MigrationService.MigrationServiceClient Client(Metadata headers) =>
        new(Server.Channel.Intercept(m =>
        {
            foreach (var header in headers)
            {
                m.Add(header);
            }

            return m;
        }));

    /// <summary>A JWT signed with the configured key unless <paramref name="signingKey"/> says otherwise.</summary>
    public string Token(string subject, IEnumerable<string> roles, TimeSpan? lifetime = null, string? audience = null, byte[]? signingKey = null,
        DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(10));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience ?? Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object> { ["roles"] = roles.ToArray() },
            IssuedAt = (notBefore ?? now) > expires ? expires.AddMinutes(-1) : notBefore ?? now,
            NotBefore = (notBefore ?? now) > expires ? expires.AddMinutes(-1) : notBefore ?? now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey ?? SigningKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
