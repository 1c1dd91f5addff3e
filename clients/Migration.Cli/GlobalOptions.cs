using System.CommandLine;

namespace Migration.Cli;

/// <summary>
/// Options every verb takes (--server, --json, --no-color, --api-key, --token, --ca-cert), given before or after the
/// verb. The credentials have no defaults shown in help: their environment variables are read when the options are absent.
/// </summary>
internal sealed class GlobalOptions
{
    public const string ServerVariable = "MIGRATION_SERVER";
    public const string DefaultServer = "http://127.0.0.1:5080";

    public GlobalOptions(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Server = new Option<string>("--server")
        {
            Description = $"Server address: http:// (plain HTTP/2) or https:// (TLS); ${ServerVariable} sets the default",
            HelpName = "URL",
            Recursive = true,
            DefaultValueFactory = _ => environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : DefaultServer,
        };
    }

    public Option<string> Server { get; }

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Newline-delimited JSON on stdout, one object per event or result (for other tools)",
        Recursive = true,
    };

    public Option<bool> NoColor { get; } = new("--no-color")
    {
        Description = "No colours in the output (NO_COLOR is honoured too)",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key for the server (${ClientCredentials.ApiKeyVariable} when absent; prefer the variable: arguments are visible to other users)",
        HelpName = "KEY",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"JWT bearer token for the server (${ClientCredentials.TokenVariable} when absent)",
        HelpName = "JWT",
        Recursive = true,
    };

    public Option<string?> CaCertificate { get; } = new("--ca-cert")
    {
        Description = $"PEM or DER certificate to trust for an https:// server (e.g. self-signed); ${ClientCredentials.CaCertificateVariable} when absent",
        HelpName = "FILE",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Server);
        root.Options.Add(Json);
        root.Options.Add(NoColor);
        root.Options.Add(ApiKey);
        root.Options.Add(Token);
        root.Options.Add(CaCertificate);
    }

    /// <summary>The credentials of this invocation: options, else environment variables.</summary>
    public ClientCredentials Credentials(ParseResult parseResult, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(environment);
        return ClientCredentials.Resolve(parseResult.GetValue(ApiKey), parseResult.GetValue(Token), parseResult.GetValue(CaCertificate),
            environment.GetEnvironmentVariable);
    }
}
