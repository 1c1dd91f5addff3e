using System.CommandLine;
using Migration.Cli.Display;
using Migration.Cli.Errors;
using Migration.Cli.Output;
using Migration.Cli.Watching;
using Migration.Contracts.V1;
using Spectre.Console;

namespace Migration.Cli;

/// <summary>
/// One invocation of a verb: the parsed global options, the output (a Spectre console for people, a JSON writer for
/// tools), the server client, and the shared error handling that turns failures into an exit code and one line.
/// </summary>
internal sealed class CommandContext : IDisposable
{
    private readonly MigrationClientFactory _clients;
    private MigrationService.MigrationServiceClient? _client;

    private CommandContext(CliEnvironment environment, Uri server, bool json, bool noColor, ClientCredentials credentials)
    {
        Environment = environment;
        Json = json ? new JsonEventWriter(environment.Out) : null;
        _clients = new MigrationClientFactory(server, environment.HttpHandler, credentials);
        Console = CreateConsole(environment, noColor || !string.IsNullOrEmpty(environment.GetEnvironmentVariable("NO_COLOR")));
    }

    public CliEnvironment Environment { get; }

    public Uri Server => _clients.Server;

    /// <summary>Human output (stdout). Not used for data when --json is on.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The JSON writer when --json is on, else null.</summary>
    public JsonEventWriter? Json { get; }

    public bool IsJson => Json is not null;

    public MigrationService.MigrationServiceClient Client => _client ??= _clients.CreateClient();

    /// <summary>The server's call invoker with the credentials attached, for clients of the other services.</summary>
    public Grpc.Core.CallInvoker Invoker => _clients.CreateInvoker();

    public TimeProvider Time => Environment.Time;

    /// <summary>A human line that is not data: stdout normally, stderr under --json so stdout stays parseable.</summary>
    public void Notice(string text)
    {
        if (IsJson)
        {
            Environment.Error.WriteLine(text);
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    public MigrationWatcher CreateWatcher() =>
        new(new GrpcMigrationEventSource(Client), Environment.Reconnect, Environment.Time);

    /// <summary>The observer for a live watch: JSON lines, the live view (terminal) or plain lines.</summary>
    public IWatchObserver CreateObserver(MigrationProgress progress, out ProgressView? liveView)
    {
        liveView = null;
        if (Json is not null)
        {
            return Json;
        }

        if (Environment.OutputIsTerminal && Console.Profile.Capabilities.Interactive && Console.Profile.Capabilities.Ansi)
        {
            liveView = new ProgressView(Console, progress, Time);
            return liveView;
        }

        return new PlainProgressWriter(Environment.Out, progress, Time);
    }

    /// <summary>Runs a verb's body with the shared handling of failures, interruptions and unreachable servers.</summary>
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        GlobalOptions globals,
        CliEnvironment environment,
        Func<CommandContext, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(body);

        Uri server;
        ClientCredentials credentials;
        try
        {
            server = MigrationClientFactory.ParseServer(parseResult.GetValue(globals.Server));
            credentials = globals.Credentials(parseResult, environment);
        }
        catch (CliException ex)
        {
            environment.Error.WriteLine("error: " + ex.Message);
            return ex.ExitCode;
        }

        using var context = new CommandContext(environment, server, parseResult.GetValue(globals.Json), parseResult.GetValue(globals.NoColor), credentials);
        try
        {
            return await body(context, cancellationToken);
        }
        catch (CliException ex)
        {
            return context.Fail(ex.ExitCode, ex.Message);
        }
        catch (Grpc.Core.RpcException ex) when (!cancellationToken.IsCancellationRequested && RpcErrorFormatter.IsTlsFailure(ex))
        {
            // The call never reached the server: its certificate was refused (see --ca-cert).
            return context.Fail(ExitCodes.ServerUnreachable, RpcErrorFormatter.Unreachable(server, ex) + " (trust its certificate with --ca-cert FILE)");
        }
        catch (Grpc.Core.RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return context.Fail(ExitCodes.FromStatusCode(ex.StatusCode), RpcErrorFormatter.Format(ex, server));
        }
        catch (Exception ex) when (ex is OperationCanceledException or Grpc.Core.RpcException && cancellationToken.IsCancellationRequested)
        {
            return context.Fail(ExitCodes.CancelledOrPaused, "interrupted");
        }
        catch (OperationCanceledException ex)
        {
            // Not our token: the transport gave up (a connect timeout).
            return context.Fail(ExitCodes.ServerUnreachable, RpcErrorFormatter.Unreachable(server, ex));
        }
        catch (HttpRequestException ex)
        {
            return context.Fail(ExitCodes.ServerUnreachable, RpcErrorFormatter.Unreachable(server, ex));
        }
    }

    /// <summary>Reports a failure (stderr line, and a JSON result line under --json) and returns its exit code.</summary>
    public int Fail(int exitCode, string reason, string? migrationId = null, MigrationPhase? phase = null, long? lastSequence = null)
    {
        Environment.Error.WriteLine("error: " + reason);
        Json?.WriteResult(exitCode, reason, migrationId, phase, lastSequence);
        return exitCode;
    }

    public void Dispose() => _clients.Dispose();

    private static IAnsiConsole CreateConsole(CliEnvironment environment, bool noColor)
    {
        var terminal = environment.OutputIsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = noColor || !terminal ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // A log file or a pipe has no width: do not wrap tables at 80 columns.
            console.Profile.Width = 160;
        }

        return console;
    }
}
