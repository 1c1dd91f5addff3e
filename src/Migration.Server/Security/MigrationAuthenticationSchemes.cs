namespace Migration.Server.Security;

/// <summary>Names of the authentication schemes and the claim types the server issues.</summary>
public static class MigrationAuthenticationSchemes
{
    /// <summary>The default scheme: forwards to one of the others by what the request carries.</summary>
    public const string Selector = "migration";

    /// <summary><c>x-api-key: KEY</c> or <c>authorization: ApiKey KEY</c>.</summary>
    public const string ApiKey = "api-key";

    /// <summary><c>authorization: Bearer JWT</c>.</summary>
    public const string Bearer = "Bearer";

    /// <summary>No credentials, loopback only, when Security:DevelopmentMode is true.</summary>
    public const string Development = "development";

    /// <summary>Claim with the scheme that authenticated the caller (api-key, jwt, development): kept in audit records.</summary>
    public const string MethodClaim = "migration:auth_method";

    public const string ApiKeyHeader = "x-api-key";
}
