using System.CommandLine;

namespace Migration.Cli;

/// <summary>Options every verb takes (--server, --json, --no-color), given before or after the verb.</summary>
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

    public void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(Server);
        root.Options.Add(Json);
        root.Options.Add(NoColor);
    }
}
