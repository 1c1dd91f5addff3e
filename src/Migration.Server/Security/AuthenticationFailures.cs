using Microsoft.IdentityModel.Tokens;

namespace Migration.Server.Security;

/// <summary>
/// Why a request's credentials were refused, kept on the request (ASP.NET Core keeps only successful results) so the
/// UNAUTHENTICATED status can say it. Reasons never contain the credential.
/// </summary>
public static class AuthenticationFailures
{
    private static readonly object Key = new();

    public static string Set(HttpContext context, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[Key] = reason;
        return reason;
    }

    public static string? Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var reason) ? reason as string : null;
    }

    /// <summary>A short reason for a rejected JWT (the library's messages carry token details).</summary>
    public static string Describe(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "the bearer token has expired",
        SecurityTokenNotYetValidException => "the bearer token is not valid yet",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the bearer token's signature is not valid",
        SecurityTokenInvalidIssuerException => "the bearer token was issued by an issuer this server does not trust",
        SecurityTokenInvalidAudienceException => "the bearer token is meant for another audience",
        SecurityTokenNoExpirationException => "the bearer token has no expiry",
        SecurityTokenMalformedException or ArgumentException => "the bearer token is malformed",
        _ => "the bearer token was refused",
    };
}
