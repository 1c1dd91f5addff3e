using Migration.Cli.Watching;

namespace Migration.Cli;

/// <summary>
/// What the CLI talks to besides the server: its standard streams, whether stdout is a terminal, the environment
/// variables, the clock and the reconnect policy. Tests run the CLI in-process with their own.
/// </summary>
internal sealed record CliEnvironment(TextWriter Out, TextWriter Error, TextReader In)
{
    /// <summary>True when stdout is an interactive terminal: live progress bars instead of plain lines.</summary>
    public bool OutputIsTerminal { get; init; }

    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>A handler for the gRPC channel (tests); null = a SocketsHttpHandler.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Recorded by the server as who asked, approved and started.</summary>
    public string UserName { get; init; } = Environment.UserName;

    public ReconnectPolicy Reconnect { get; init; } = ReconnectPolicy.Default;

    /// <summary>The process console.</summary>
    public static CliEnvironment ForConsole() =>
        new(Console.Out, Console.Error, Console.In) { OutputIsTerminal = !Console.IsOutputRedirected };
}
