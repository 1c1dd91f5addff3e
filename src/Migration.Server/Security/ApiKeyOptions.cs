namespace Migration.Server.Security;

/// <summary>
/// One API key under <c>Security:ApiKeys:&lt;name&gt;</c>. Only the hash is configured, never the key:
/// <c>Hash</c> = "sha256:" + the lower-case hex SHA-256 of the key's UTF-8 bytes (<c>printf %s "$KEY" | sha256sum</c>;
/// <c>migration api-key new</c> prints one). Keys are random (32 bytes), so a plain hash is enough; a salted slow hash
/// protects guessable passwords, which these are not.
/// </summary>
public sealed class ApiKeyOptions
{
    public string Hash { get; set; } = string.Empty;

    /// <summary>Comma-separated roles: viewer, operator, approver, admin.</summary>
    public string Roles { get; set; } = string.Empty;

    public IReadOnlyList<string> RoleList =>
        Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
