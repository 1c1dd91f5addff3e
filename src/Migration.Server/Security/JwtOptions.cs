namespace Migration.Server.Security;

/// <summary>
/// JWT bearer tokens under <c>Security:Jwt</c>, validated locally (no identity provider is contacted): HS256 with
/// <see cref="SigningKey"/> (base64, at least 32 bytes) or <see cref="SigningKeyFile"/>, or RS256/ES256 with the PEM
/// public key in <see cref="PublicKeyFile"/>. Issuer, audience and lifetime are always checked. Roles come from the
/// <c>role</c> or <c>roles</c> claim (a string, a comma-separated string or an array); the caller's name from
/// <c>sub</c> (or <c>name</c>).
/// </summary>
public sealed class JwtOptions
{
    public string SigningKey { get; set; } = string.Empty;

    public string SigningKeyFile { get; set; } = string.Empty;

    public string PublicKeyFile { get; set; } = string.Empty;

    public string Issuer { get; set; } = string.Empty;

    public string Audience { get; set; } = string.Empty;

    /// <summary>Tolerated clock difference for exp/nbf (default 30 s).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(SigningKeyFile) || !string.IsNullOrWhiteSpace(PublicKeyFile);
}
