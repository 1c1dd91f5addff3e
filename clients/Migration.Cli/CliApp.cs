using System.CommandLine;
using Migration.Cli.Commands;

namespace Migration.Cli;

/// <summary>
/// The CLI as a function: parses the arguments, runs the verb and returns the exit code. Program.Main calls it with
/// the console; end-to-end tests call it in-process with their own writers against a real server.
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the CLI with the given output writers and no standard input (prompts are refused: exit 3).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, new CliEnvironment(stdout, stderr, TextReader.Null), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var root = BuildRootCommand(environment);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                await environment.Error.WriteLineAsync("error: " + error.Message);
            }

            var verb = parseResult.CommandResult.Command == root ? string.Empty : parseResult.CommandResult.Command.Name + " ";
            await environment.Error.WriteLineAsync($"see: migration {verb}--help");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C is handled by Program (and by tests through the token): no process-wide handler here.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var globals = new GlobalOptions(environment);
        var root = new RootCommand("Migration.Grpc operator CLI: plan, run, watch and validate PostgreSQL migrations.");
        globals.AddTo(root);
        root.Subcommands.Add(new RunCommand(globals, environment));
        root.Subcommands.Add(new PlanCommand(globals, environment));
        root.Subcommands.Add(new StartCommand(globals, environment));
        root.Subcommands.Add(new WatchCommand(globals, environment));
        root.Subcommands.Add(new StatusCommand(globals, environment));
        root.Subcommands.Add(new ListCommand(globals, environment));
        root.Subcommands.Add(new PauseCommand(globals, environment));
        root.Subcommands.Add(new ResumeCommand(globals, environment));
        root.Subcommands.Add(new LimitsCommand(globals, environment));
        root.Subcommands.Add(new CancelCommand(globals, environment));
        root.Subcommands.Add(new RollbackCommand(globals, environment));
        root.Subcommands.Add(new RestoreCommand(globals, environment));
        root.Subcommands.Add(new ValidateCommand(globals, environment));
        root.Subcommands.Add(new MappingCommand(globals, environment));
        root.Subcommands.Add(new AskCommand(globals, environment));
        root.Subcommands.Add(new ChatCommand(globals, environment));
        root.Subcommands.Add(new AuditCommand(globals, environment));
        root.Subcommands.Add(new MetricsCommand(globals, environment));
        root.Subcommands.Add(new QuarantineCommand(globals, environment));
        root.Subcommands.Add(new ApiKeyCommand(globals, environment));
        return root;
    }
}
