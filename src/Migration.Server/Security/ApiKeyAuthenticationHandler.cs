using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Migration.Server.Security;

/// <summary>
/// Authenticates <c>x-api-key: KEY</c> (or <c>authorization: ApiKey KEY</c>) against the hashes in
/// Security:ApiKeys. The caller is named "api-key:&lt;name&gt;"; the key itself is never logged or stored.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<SecurityOptions> security) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string AuthorizationPrefix = "ApiKey ";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return Task.FromResult(Request.Headers.Authorization.ToString().StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
                ? AuthenticateResult.Fail(AuthenticationFailures.Set(Context, "bearer tokens are not accepted: the server has no Security:Jwt settings"))
                : AuthenticateResult.NoResult());
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        foreach (var (name, entry) in security.CurrentValue.ApiKeys)
        {
            if (ApiKeyHash.IsWellFormed(entry.Hash) && CryptographicOperations.FixedTimeEquals(presented, ApiKeyHash.Bytes(entry.Hash)))
            {
                var claims = new List<Claim>
                {
                    new(ClaimTypes.Name, "api-key:" + name),
                    new(MigrationAuthenticationSchemes.MethodClaim, MigrationAuthenticationSchemes.ApiKey),
                };
                claims.AddRange(entry.RoleList.Where(MigrationRoles.IsKnown).Select(r => new Claim(ClaimTypes.Role, MigrationRoles.Normalize(r))));
                var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail(AuthenticationFailures.Set(Context, "the API key is not known to this server")));
    }

    /// <summary>The key a request carries, or null.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[MigrationAuthenticationSchemes.ApiKeyHeader].ToString() is { Length: > 0 } header)
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[AuthorizationPrefix.Length..].Trim()
            : null;
    }
}
