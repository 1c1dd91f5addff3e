using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Migration.Cli.Commands;

/// <summary>
/// `migration api-key new --name NAME --roles R[,R]`: makes a random API key and prints it once with the server
/// configuration that accepts it (only the key's SHA-256 goes into the server's configuration). Works offline.
/// </summary>
internal sealed class ApiKeyCommand : Command
{
    private static readonly string[] KnownRoles = ["viewer", "operator", "approver", "admin"];

    public ApiKeyCommand(GlobalOptions globals, CliEnvironment environment)
        : base("api-key", "Make API keys for the server")
    {
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(environment);
        var name = new Option<string>("--name") { Description = "Who uses the key (letters, digits, - and _); the caller's name in the audit trail", Required = true };
        var roles = new Option<string>("--roles")
        {
            Description = "Comma-separated roles: viewer, operator, approver, admin",
            Required = true,
        };
        var create = new Command("new", "Make a random key; print it and the server configuration lines that accept it") { name, roles };
        create.SetAction(parseResult => Execute(parseResult.GetValue(name)!, parseResult.GetValue(roles)!, parseResult.GetValue(globals.Json), environment));
        Subcommands.Add(create);
    }

    /// <summary>"sha256:" + the lower-case hex SHA-256 of the key's UTF-8 bytes: what Security:ApiKeys:NAME:Hash holds.</summary>
    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static int Execute(string name, string roles, bool json, CliEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            environment.Error.WriteLine($"error: --name must be letters, digits, '-' or '_', got '{name}'");
            return ExitCodes.Usage;
        }

        var roleList = roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => r.ToLowerInvariant()).Distinct().ToList();
        if (roleList.Count == 0 || roleList.Any(r => !KnownRoles.Contains(r)))
        {
            environment.Error.WriteLine($"error: --roles must list roles among {string.Join(", ", KnownRoles)}, got '{roles}'");
            return ExitCodes.Usage;
        }

        var key = "mig_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = Hash(key);
        var joined = string.Join(',', roleList);
        if (json)
        {
            environment.Out.WriteLine(JsonSerializer.Serialize(new { type = "api_key", name, roles = roleList, key, hash }));
            return ExitCodes.Success;
        }

        environment.Out.WriteLine($"API key for '{name}' ({joined}) — shown once, keep it secret:");
        environment.Out.WriteLine();
        environment.Out.WriteLine($"  {key}");
        environment.Out.WriteLine();
        environment.Out.WriteLine("Server configuration (environment variables):");
        environment.Out.WriteLine($"  Security__ApiKeys__{name}__Hash={hash}");
        environment.Out.WriteLine($"  Security__ApiKeys__{name}__Roles={joined}");
        environment.Out.WriteLine("or appsettings.json:");
        environment.Out.WriteLine($"  \"Security\": {{ \"ApiKeys\": {{ \"{name}\": {{ \"Hash\": \"{hash}\", \"Roles\": \"{joined}\" }} }} }}");
        environment.Out.WriteLine("Clients: --api-key KEY or MIGRATION_API_KEY=KEY");
        return ExitCodes.Success;
    }
}
