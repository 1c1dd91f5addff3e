using Microsoft.Extensions.Options;

namespace Migration.Server.Security;

/// <summary>
/// Checks the Security section on start: well-formed key hashes with known roles, complete JWT settings, readable key
/// files, and development mode only on loopback addresses.
/// </summary>
public sealed class SecurityOptionsValidator(IConfiguration configuration) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (keyName, key) in options.ApiKeys)
        {
            if (!ApiKeyHash.IsWellFormed(key.Hash))
            {
                failures.Add($"Security:ApiKeys:{keyName}:Hash must be \"sha256:\" followed by 64 hex digits (the SHA-256 of the key), not the key itself.");
            }

            if (key.RoleList.Count == 0)
            {
                failures.Add($"Security:ApiKeys:{keyName}:Roles must name at least one of: {string.Join(", ", MigrationRoles.All)}.");
            }

            failures.AddRange(key.RoleList.Where(r => !MigrationRoles.IsKnown(r))
                .Select(r => $"Security:ApiKeys:{keyName}:Roles has the unknown role '{r}' (known: {string.Join(", ", MigrationRoles.All)})."));
        }

        ValidateJwt(options.Jwt, failures);
        if (options.MaxOpenStreams < 1 || options.MaxOpenStreamsPerCaller < 1 || options.MaxOpenStreamsPerCaller > options.MaxOpenStreams)
        {
            failures.Add($"Security:MaxOpenStreams ({options.MaxOpenStreams}) and Security:MaxOpenStreamsPerCaller ({options.MaxOpenStreamsPerCaller}) " +
                         "must be at least 1, the per-caller limit not above the total.");
        }

        if (options.DevelopmentMode && LoopbackAddresses.NonLoopback(configuration) is { Count: > 0 } exposed)
        {
            failures.Add("Security:DevelopmentMode (no authentication) is only allowed when the server listens on loopback addresses; " +
                         $"it is configured to listen on {string.Join(", ", exposed)}. Configure API keys or JWT instead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateJwt(JwtOptions jwt, List<string> failures)
    {
        if (!jwt.IsConfigured)
        {
            return;
        }

        var sources = new[] { jwt.SigningKey, jwt.SigningKeyFile, jwt.PublicKeyFile }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (sources > 1)
        {
            failures.Add("Security:Jwt: set exactly one of SigningKey, SigningKeyFile and PublicKeyFile.");
        }

        if (string.IsNullOrWhiteSpace(jwt.Issuer) || string.IsNullOrWhiteSpace(jwt.Audience))
        {
            failures.Add("Security:Jwt:Issuer and Security:Jwt:Audience are required with JWT bearer tokens.");
        }

        try
        {
            JwtKeys.Load(jwt);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or ArgumentException
                                       or System.Security.Cryptography.CryptographicException)
        {
            failures.Add("Security:Jwt: " + ex.Message);
        }
    }
}
