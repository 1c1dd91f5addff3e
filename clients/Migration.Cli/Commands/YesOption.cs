using System.CommandLine;

namespace Migration.Cli.Commands;

internal static class YesOption
{
    public static Option<bool> Create() => new("--yes", "-y")
    {
        Description = "Approve the plan without asking (needed when no one can answer the prompt: scripts, CI)",
    };
}
