using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Migration.Server.Security;

/// <summary>
/// Development mode (Security:DevelopmentMode=true): a call without credentials from a loopback connection is
/// "developer" with every role. A call from any other address is refused, whatever the listen address is.
/// </summary>
public sealed class DevelopmentAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string UserName = "developer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress;
        if (remote is null || !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return Task.FromResult(AuthenticateResult.Fail(AuthenticationFailures.Set(Context,
                "development mode accepts calls from this machine only; give an API key or a bearer token")));
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, UserName),
            new(MigrationAuthenticationSchemes.MethodClaim, MigrationAuthenticationSchemes.Development),
        };
        claims.AddRange(MigrationRoles.All.Select(r => new Claim(ClaimTypes.Role, r)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
