using System.Security.Cryptography.X509Certificates;

namespace Migration.Cli;

/// <summary>
/// How the CLI proves who it is and which server certificate it trusts: an API key (x-api-key header) or a bearer
/// token, and optionally a CA certificate (PEM or DER) for a server whose certificate is not in the system store
/// (a self-signed one). Secrets come from options or environment variables and are never printed.
/// </summary>
internal sealed record ClientCredentials(string? ApiKey, string? Token, string? CaCertificatePath)
{
    public const string ApiKeyVariable = "MIGRATION_API_KEY";
    public const string TokenVariable = "MIGRATION_TOKEN";
    public const string CaCertificateVariable = "MIGRATION_CA_CERT";

    public static ClientCredentials None { get; } = new(null, null, null);

    /// <summary>Options win over environment variables; an API key and a token together are a usage error.</summary>
    public static ClientCredentials Resolve(string? apiKey, string? token, string? caCertificate, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        apiKey = NullIfBlank(apiKey) ?? NullIfBlank(environment(ApiKeyVariable));
        token = NullIfBlank(token) ?? NullIfBlank(environment(TokenVariable));
        caCertificate = NullIfBlank(caCertificate) ?? NullIfBlank(environment(CaCertificateVariable));
        if (apiKey is not null && token is not null)
        {
            throw CliException.Usage($"give either an API key (--api-key, ${ApiKeyVariable}) or a token (--token, ${TokenVariable}), not both");
        }

        if (caCertificate is not null && !File.Exists(caCertificate))
        {
            throw CliException.Usage($"the CA certificate file '{caCertificate}' does not exist");
        }

        return new ClientCredentials(apiKey, token, caCertificate);
    }

    /// <summary>The request headers that carry the credentials.</summary>
    public IEnumerable<(string Name, string Value)> Headers()
    {
        if (ApiKey is not null)
        {
            yield return ("x-api-key", ApiKey);
        }

        if (Token is not null)
        {
            yield return ("authorization", "Bearer " + Token);
        }
    }

    /// <summary>The CA certificate to trust as the only root for the server's certificate, or null for the system store.</summary>
    public X509Certificate2Collection? LoadCaCertificates()
    {
        if (CaCertificatePath is null)
        {
            return null;
        }

        var certificates = new X509Certificate2Collection();
        var text = File.ReadAllText(CaCertificatePath);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            certificates.ImportFromPem(text);
        }
        else
        {
            certificates.Add(X509CertificateLoader.LoadCertificateFromFile(CaCertificatePath));
        }

        return certificates.Count > 0 ? certificates : throw CliException.Usage($"no certificate in '{CaCertificatePath}'");
    }

    public override string ToString() =>
        $"ClientCredentials {{ ApiKey = {(ApiKey is null ? "none" : "***")}, Token = {(Token is null ? "none" : "***")}, CaCertificatePath = {CaCertificatePath ?? "none"} }}";

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
